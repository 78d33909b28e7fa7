import { z } from "@hono/zod-openapi";
import { booleanQuery } from "../../http/schemas/common";

export const StartLoginQuery = z.object({
  frontend_callback_uri: z.string().max(2048).optional(),
  link: booleanQuery(),
  code_challenge: z
    .string()
    .regex(/^[A-Za-z0-9_-]{43}$/, "Expected an S256 code challenge: 43 base64url characters")
    .optional()
    .openapi({
      description:
        "BASE64URL(SHA-256(code_verifier)) of a verifier the frontend keeps (RFC 7636, S256). With it, a " +
        "frontend on another origin gets a one-time `login_code` that only that verifier redeems.",
    }),
});

export const AuthorizationUrlSchema = z.object({ authorization_url: z.string() });

export const LoginCallbackQuery = z.object({
  state: z.string().max(512).optional(),
  code: z.string().max(4096).optional(),
  error: z.string().max(256).optional(),
  iss: z.string().max(2048).optional(),
});

export const LoginCodeExchangeSchema = z
  .strictObject({
    code: z.string().min(1).max(100),
    code_verifier: z
      .string()
      .regex(/^[A-Za-z0-9._~-]{43,128}$/, "Expected a PKCE code verifier: 43 to 128 characters")
      .openapi({ description: "The verifier whose S256 challenge started sign-in" }),
  })
  .openapi("LoginCodeExchange");
