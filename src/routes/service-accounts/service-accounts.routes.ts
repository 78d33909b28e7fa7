import { createRoute } from "@hono/zod-openapi";
import { requireAdmin } from "../../http/authenticate";
import { ApiKeyListSchema, CreatedApiKeySchema } from "../../http/schemas/api-keys";
import { errorResponses, jsonBody, jsonContent, OkSchema, sessionSecurity } from "../../http/schemas/common";
import {
  NewServiceAccountSchema,
  NewServiceKeySchema,
  ServiceAccountListSchema,
  ServiceAccountParams,
  ServiceAccountSchema,
  ServiceKeyParams,
} from "./service-accounts.schemas";

const base = "/users/admin/service-accounts";
const common = {
  tags: ["Administration: service accounts"],
  security: sessionSecurity,
  middleware: requireAdmin,
};
const noAccount = "No such service account (`not_found`)";

export const createServiceAccount = createRoute({
  ...common,
  operationId: "createServiceAccount",
  method: "post",
  path: base,
  summary: "Create a service account",
  description:
    "An app backend: not a person, it cannot sign in (no password, no OIDC) and calls only with its own keys. " +
    "`group_ids` limits it to the users of those groups (least privilege for a backend that serves one team).",
  request: { body: jsonBody(NewServiceAccountSchema) },
  responses: {
    201: jsonContent(ServiceAccountSchema, "Created"),
    ...errorResponses({
      auth: "admin",
      body: "json",
      errors: { 409: "The name is taken, also by a deleted account (`service_account_name_taken`)" },
    }),
  },
});

export const listServiceAccountsRoute = createRoute({
  ...common,
  operationId: "listServiceAccounts",
  method: "get",
  path: base,
  summary: "List service accounts",
  responses: {
    200: jsonContent(ServiceAccountListSchema, "Service accounts"),
    ...errorResponses({ auth: "admin" }),
  },
});

export const deleteServiceAccount = createRoute({
  ...common,
  operationId: "deleteServiceAccount",
  method: "delete",
  path: `${base}/{sa_id}`,
  summary: "Delete a service account",
  description: "Its keys are revoked in the same batch and refused at once.",
  request: { params: ServiceAccountParams },
  responses: {
    200: jsonContent(OkSchema, "Deleted"),
    ...errorResponses({ auth: "admin", params: true, errors: { 404: noAccount } }),
  },
});

export const createServiceKey = createRoute({
  ...common,
  operationId: "createServiceAccountKey",
  method: "post",
  path: `${base}/{sa_id}/keys`,
  summary: "Create a key for a service account",
  description:
    "Scopes: `config:resolve` (read a user's resolved configuration with the provider key) and " +
    "`credentials:mint` (short-lived provider credentials on a user's behalf). The `token` is shown once.",
  request: { params: ServiceAccountParams, body: jsonBody(NewServiceKeySchema) },
  responses: {
    201: jsonContent(CreatedApiKeySchema, "The new key, with its secret (shown once)"),
    ...errorResponses({
      auth: "admin",
      body: "json",
      params: true,
      errors: { 404: noAccount, 409: "Too many active keys (`api_key_limit`)" },
    }),
  },
});

export const listServiceKeys = createRoute({
  ...common,
  operationId: "listServiceAccountKeys",
  method: "get",
  path: `${base}/{sa_id}/keys`,
  summary: "List a service account's keys",
  request: { params: ServiceAccountParams },
  responses: {
    200: jsonContent(ApiKeyListSchema, "Keys"),
    ...errorResponses({ auth: "admin", params: true, errors: { 404: noAccount } }),
  },
});

export const revokeServiceKey = createRoute({
  ...common,
  operationId: "revokeServiceAccountKey",
  method: "delete",
  path: `${base}/{sa_id}/keys/{key_id}`,
  summary: "Revoke a service account's key",
  request: { params: ServiceKeyParams },
  responses: {
    200: jsonContent(OkSchema, "Revoked"),
    ...errorResponses({ auth: "admin", params: true, errors: { 404: "No such active key (`not_found`)" } }),
  },
});
