import { z } from "@hono/zod-openapi";
import { PASSWORD_INPUT_MAX_LENGTH } from "../../domain/passwords/new-password";

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

/** Responses every administrator-only route can give. */
export const adminErrorResponses = {
  401: errorResponse("Not signed in"),
  403: errorResponse("Administrator role required"),
  422: validationResponse,
} as const;

export const PaginationSchema = z
  .object({
    page: z.number().int(),
    per_page: z.number().int(),
    total_items: z.number().int(),
    total_pages: z.number().int(),
  })
  .openapi("Pagination");

/** Page parameters shared by every paginated list (`per_page` 1..100). */
export const pageQuery = (defaultPerPage: number) => ({
  page: z.coerce.number().int().min(1).max(100_000).default(1),
  per_page: z.coerce.number().int().min(1).max(100).default(defaultPerPage),
});

export const paginationOf = (page: number, perPage: number, total: number) => ({
  page,
  per_page: perPage,
  total_items: total,
  total_pages: Math.ceil(total / perPage),
});

/** Every password field on the wire: one cap; the password policy decides the rest (422). */
export const passwordInput = z.string().min(1).max(PASSWORD_INPUT_MAX_LENGTH);

/**
 * A boolean query parameter as clients of the original API spell it: true/false/1/0, any case.
 * Anything else is a 422 that names the accepted spellings.
 */
export const booleanQuery = z
  .string()
  // Spelled without the `i` flag so the published pattern is valid JSON Schema (no regex flags).
  .regex(/^([Tt][Rr][Uu][Ee]|[Ff][Aa][Ll][Ss][Ee]|1|0)$/, "Expected true, false, 1 or 0")
  .transform((value) => value === "1" || value.toLowerCase() === "true")
  .openapi({ description: "true/false/1/0, case-insensitive" });
