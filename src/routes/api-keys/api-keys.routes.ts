import { createRoute } from "@hono/zod-openapi";
import { requireAdmin, requireUser } from "../../http/authenticate";
import { ApiKeyListSchema, CreatedApiKeySchema } from "../../http/schemas/api-keys";
import { errorResponses, jsonBody, jsonContent, OkSchema, sessionSecurity } from "../../http/schemas/common";
import { MyKeyParams, NewPersonalKeySchema, UserKeyParams, UserKeysParams } from "./api-keys.schemas";

const mine = { tags: ["API keys"], security: sessionSecurity, middleware: requireUser };
const admin = { tags: ["Administration: users"], security: sessionSecurity, middleware: requireAdmin };
const apiKeysRefused = "Called with an API key: keys cannot manage keys (`insufficient_scope`)";

export const createMyKey = createRoute({
  ...mine,
  operationId: "createApiKey",
  method: "post",
  path: "/users/me/api-keys",
  summary: "Create a personal API key",
  description:
    "For the caller's own scripts and tools: `Authorization: Bearer eu_pk_…` with the chosen scopes. The " +
    "`token` is in this answer only; it is stored as a hash. Sign-in with a session is needed (a key " +
    "cannot create keys). The key stops working when revoked, expired, or when the owner's sessions end " +
    "(password change or reset, disabling, deletion, an administrator ending them).",
  request: { body: jsonBody(NewPersonalKeySchema) },
  responses: {
    201: jsonContent(CreatedApiKeySchema, "The new key, with its secret (shown once)"),
    ...errorResponses({
      auth: "user",
      body: "json",
      errors: { 403: apiKeysRefused, 409: "Too many active keys (`api_key_limit`)" },
    }),
  },
});

export const listMyKeys = createRoute({
  ...mine,
  operationId: "listApiKeys",
  method: "get",
  path: "/users/me/api-keys",
  summary: "List my API keys",
  description:
    "Active and expired keys (not revoked ones): name, prefix, scopes, created, expires, last used.",
  responses: {
    200: jsonContent(ApiKeyListSchema, "Keys"),
    ...errorResponses({ auth: "user", errors: { 403: apiKeysRefused } }),
  },
});

export const revokeMyKey = createRoute({
  ...mine,
  operationId: "revokeApiKey",
  method: "delete",
  path: "/users/me/api-keys/{key_id}",
  summary: "Revoke one of my API keys",
  description: "Refused at once everywhere (every use reads the key row from the D1 primary).",
  request: { params: MyKeyParams },
  responses: {
    200: jsonContent(OkSchema, "Revoked"),
    ...errorResponses({
      auth: "user",
      params: true,
      errors: { 403: apiKeysRefused, 404: "No such active key of yours (`not_found`)" },
    }),
  },
});

export const listUserKeys = createRoute({
  ...admin,
  operationId: "listUserApiKeys",
  method: "get",
  path: "/users/admin/users/{uid}/api-keys",
  summary: "List a user's API keys",
  request: { params: UserKeysParams },
  responses: {
    200: jsonContent(ApiKeyListSchema, "Keys"),
    ...errorResponses({ auth: "admin", params: true, errors: { 404: "No such user (`not_found`)" } }),
  },
});

export const revokeUserKey = createRoute({
  ...admin,
  operationId: "revokeUserApiKey",
  method: "delete",
  path: "/users/admin/users/{uid}/api-keys/{key_id}",
  summary: "Revoke a user's API key",
  request: { params: UserKeyParams },
  responses: {
    200: jsonContent(OkSchema, "Revoked"),
    ...errorResponses({
      auth: "admin",
      params: true,
      errors: { 404: "No such active key of this user (`not_found`)" },
    }),
  },
});
