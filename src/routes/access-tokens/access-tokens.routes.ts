import { createRoute } from "@hono/zod-openapi";
import { requireUser } from "../../http/authenticate";
import { errorResponses, jsonContent, noSecurity, sessionSecurity } from "../../http/schemas/common";
import { AccessTokenResponseSchema, DiscoverySchema, JwksSchema } from "./access-tokens.schemas";

const tags = ["Access tokens"];
const notConfigured = { 503: "No signing keys are configured (`access_tokens_not_configured`)" };

export const issueToken = createRoute({
  operationId: "issueAccessToken",
  method: "post",
  path: "/users/token",
  tags,
  summary: "Issue an access token",
  description: "A short-lived RFC 9068 JWT (ES256) for this session; verify it against the JWKS.",
  security: sessionSecurity,
  middleware: requireUser,
  responses: {
    200: jsonContent(AccessTokenResponseSchema, "The access token"),
    ...errorResponses({ auth: "user", errors: notConfigured }),
  },
});

export const getJwks = createRoute({
  operationId: "getJwks",
  method: "get",
  path: "/.well-known/jwks.json",
  tags,
  summary: "Public keys of access tokens",
  description:
    "The JWK set that verifies our access tokens (current and previous keys). Cacheable for 5 minutes. " +
    "Also served at `/.well-known/jwks.json` on the origin.",
  security: noSecurity,
  responses: {
    200: jsonContent(JwksSchema, "The public keys"),
    ...errorResponses({ auth: "public", errors: notConfigured }),
  },
});

export const getDiscovery = createRoute({
  operationId: "getOpenIdConfiguration",
  method: "get",
  path: "/.well-known/openid-configuration",
  tags,
  summary: "Issuer metadata",
  description:
    "`issuer` and `jwks_uri`. Also served at `/.well-known/openid-configuration` on the origin, so the " +
    "document is where OpenID discovery looks for either issuer form (origin, or origin + `/api/v1`).",
  security: noSecurity,
  responses: {
    200: jsonContent(DiscoverySchema, "Issuer metadata"),
    ...errorResponses({ auth: "public" }),
  },
});

/**
 * The same two documents at the origin's root (outside /api/v1): where discovery looks when
 * ACCESS_TOKEN_ISSUER is the bare origin, and where `jwks_uri` then points. Hidden from the
 * OpenAPI document, whose operations are the /api/v1 ones (one operationId each).
 */
export const getJwksAtRoot = createRoute({ ...getJwks, hide: true });
export const getDiscoveryAtRoot = createRoute({ ...getDiscovery, hide: true });
