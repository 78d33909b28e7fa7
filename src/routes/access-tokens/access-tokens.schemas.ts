import { z } from "@hono/zod-openapi";

export const AccessTokenResponseSchema = z
  .object({
    access_token: z.string().openapi({
      description: "An RFC 9068 JWT (ES256, `typ: at+jwt`); send as `Authorization: Bearer <token>`",
    }),
    token_type: z.literal("Bearer"),
    expires_in: z
      .number()
      .int()
      .openapi({ description: "Seconds until it expires (ACCESS_TOKEN_TTL_SECONDS)" }),
  })
  .openapi("AccessTokenResponse");

const PublicJwkSchema = z.object({
  kty: z.literal("EC"),
  crv: z.literal("P-256"),
  x: z.string(),
  y: z.string(),
  kid: z.string(),
  alg: z.literal("ES256"),
  use: z.literal("sig"),
});

export const JwksSchema = z.object({ keys: z.array(PublicJwkSchema) }).openapi("Jwks");

export const DiscoverySchema = z
  .object({
    issuer: z.string(),
    jwks_uri: z.string(),
    subject_types_supported: z.array(z.string()),
  })
  .openapi("Discovery");
