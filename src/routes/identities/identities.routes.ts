import { createRoute } from "@hono/zod-openapi";
import { requireUser } from "../../http/authenticate";
import { errorResponses, jsonContent, OkSchema, sessionSecurity } from "../../http/schemas/common";
import { IdentityListSchema } from "../../http/schemas/identity";
import { MyIdentityParams } from "./identities.schemas";

const common = { tags: ["Current user"], security: sessionSecurity, middleware: requireUser };

export const listMyIdentities = createRoute({
  ...common,
  operationId: "listCurrentUserIdentities",
  method: "get",
  path: "/users/me/identities",
  summary: "List the provider identities that sign into this account",
  responses: {
    200: jsonContent(IdentityListSchema, "Linked identities, oldest first"),
    ...errorResponses({ auth: "user" }),
  },
});

export const removeMyIdentity = createRoute({
  ...common,
  operationId: "removeCurrentUserIdentity",
  method: "delete",
  path: "/users/me/identities/{identity_id}",
  summary: "Unlink a provider identity",
  description:
    "The identity can no longer sign in. Every other session of the user ends (one may have come through " +
    "it); the calling session stays. Refused when it is the account's last way to sign in.",
  request: { params: MyIdentityParams },
  responses: {
    200: jsonContent(OkSchema, "Unlinked"),
    ...errorResponses({
      auth: "user",
      params: true,
      errors: {
        404: "No such identity on this account (`not_found`)",
        409: "No password and no other identity would remain (`last_sign_in_method`)",
      },
    }),
  },
});
