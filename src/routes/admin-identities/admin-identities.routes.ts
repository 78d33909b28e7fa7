import { createRoute } from "@hono/zod-openapi";
import { requireAdmin } from "../../http/authenticate";
import { errorResponses, jsonContent, OkSchema, sessionSecurity } from "../../http/schemas/common";
import { IdentityListSchema } from "../../http/schemas/identity";
import { UserIdentitiesParams, UserIdentityParams } from "./admin-identities.schemas";

const base = "/users/admin/users/{uid}/identities";
const common = { tags: ["Administration: users"], security: sessionSecurity, middleware: requireAdmin };

export const listUserIdentities = createRoute({
  ...common,
  operationId: "listUserIdentities",
  method: "get",
  path: base,
  summary: "List a user's linked provider identities",
  request: { params: UserIdentitiesParams },
  responses: {
    200: jsonContent(IdentityListSchema, "Linked identities, oldest first"),
    ...errorResponses({ auth: "admin", params: true, errors: { 404: "No such user (`not_found`)" } }),
  },
});

export const removeUserIdentity = createRoute({
  ...common,
  operationId: "removeUserIdentity",
  method: "delete",
  path: `${base}/{identity_id}`,
  summary: "Unlink a provider identity from a user",
  description:
    "The identity can no longer sign in and every session of the user ends. Refused when it is the " +
    "account's last way to sign in: reset the password first.",
  request: { params: UserIdentityParams },
  responses: {
    200: jsonContent(OkSchema, "Unlinked"),
    ...errorResponses({
      auth: "admin",
      params: true,
      errors: {
        404: "No such user, or no such identity on this user (`not_found`)",
        409: "No password and no other identity would remain (`last_sign_in_method`)",
      },
    }),
  },
});
