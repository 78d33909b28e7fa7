import { z } from "@hono/zod-openapi";

export const ErrorSchema = z
  .object({
    detail: z.string().openapi({ example: "Authentication required" }),
    code: z.string().openapi({ example: "unauthorized" }),
  })
  .openapi("Error");

export const ValidationErrorSchema = z
  .object({
    detail: z.array(
      z.object({
        loc: z.array(z.union([z.string(), z.number()])),
        msg: z.string(),
        type: z.string(),
      }),
    ),
  })
  .openapi("ValidationError");

export const jsonContent = <T extends z.ZodType>(schema: T, description: string) => ({
  content: { "application/json": { schema } },
  description,
});

export const jsonBody = <T extends z.ZodType>(schema: T) => ({
  content: { "application/json": { schema } },
  required: true as const,
});

export const errorResponse = (description: string) => jsonContent(ErrorSchema, description);
export const validationResponse = jsonContent(ValidationErrorSchema, "The request did not validate");

/** Responses every authenticated route can give. */
export const authErrorResponses = {
  401: errorResponse("Not signed in, or the session ended"),
  422: validationResponse,
} as const;

export const OkSchema = z.object({ ok: z.literal(true) }).openapi("Ok");

/** Security requirement: a session cookie or the same token as a Bearer header. */
export const sessionSecurity: Record<string, string[]>[] = [{ cookieSession: [] }, { bearerToken: [] }];
