import { createRoute } from "@hono/zod-openapi";
import { requireAdmin } from "../../http/authenticate";
import {
  errorResponses,
  jsonBody,
  jsonContent,
  type RouteTraits,
  sessionSecurity,
} from "../../http/schemas/common";
import { ProfileUpdateSchema } from "../../http/schemas/profile-fields";
import { AdminUserSchema } from "../../http/schemas/user";
import {
  CreateUserSchema,
  EndedSessionsSchema,
  EndSessionsQuery,
  GroupAssignmentSchema,
  ListUsersQuery,
  PasswordResetSchema,
  RoleUpdateSchema,
  SessionListSchema,
  StatusUpdateSchema,
  UserIdParams,
  UserListSchema,
} from "./admin-users.schemas";

const base = "/users/admin/users";
const common = {
  tags: ["Administration: users"],
  security: sessionSecurity,
  middleware: requireAdmin,
};
const noUser = "No such user (`not_found`)";
const lastAdmin = "It would leave no active administrator (`last_admin`)";
const stepUp = "The administrator's last authentication is too old (`reauthentication_required`)";
/** The errors of a route on one user (`{uid}`): admin-only, validated, 404 for an unknown user. */
const userErrors = (traits: Omit<RouteTraits, "auth" | "params"> = {}) =>
  errorResponses({ auth: "admin", params: true, ...traits, errors: { 404: noUser, ...traits.errors } });
const userResponse = (description: string) => ({ 200: jsonContent(AdminUserSchema, description) });

export const listUsersRoute = createRoute({
  ...common,
  operationId: "listUsers",
  method: "get",
  path: base,
  summary: "List users",
  description:
    "Search (username, e-mail, display name; case-insensitive substring), filter, sort and paginate.",
  request: { query: ListUsersQuery },
  responses: {
    200: jsonContent(UserListSchema, "A page of users"),
    ...errorResponses({ auth: "admin", params: true }),
  },
});

export const createUser = createRoute({
  ...common,
  operationId: "createUser",
  method: "post",
  path: base,
  summary: "Create a local user",
  request: { body: jsonBody(CreateUserSchema) },
  responses: {
    201: jsonContent(AdminUserSchema, "Created"),
    ...errorResponses({
      auth: "admin",
      body: "json",
      errors: {
        404: "No such group (`not_found`)",
        409: "Username taken, including by a deleted user (`username_taken`)",
      },
    }),
  },
});

export const getUser = createRoute({
  ...common,
  operationId: "getUser",
  method: "get",
  path: `${base}/{uid}`,
  summary: "Get a user",
  request: { params: UserIdParams },
  responses: { ...userResponse("The user"), ...userErrors() },
});

export const patchUser = createRoute({
  ...common,
  operationId: "updateUser",
  method: "patch",
  path: `${base}/{uid}`,
  summary: "Update a user's profile fields",
  request: { params: UserIdParams, body: jsonBody(ProfileUpdateSchema) },
  responses: { ...userResponse("The updated user"), ...userErrors({ body: "json" }) },
});

export const setRole = createRoute({
  ...common,
  operationId: "updateUserRole",
  method: "put",
  path: `${base}/{uid}/role`,
  summary: "Set a user's role",
  description:
    "Refused with 409 when it would leave no active administrator (also for self-demotion). Needs a " +
    "recent authentication.",
  request: { params: UserIdParams, body: jsonBody(RoleUpdateSchema) },
  responses: {
    ...userResponse("The updated user"),
    ...userErrors({ body: "json", errors: { 401: stepUp, 409: lastAdmin } }),
  },
});

export const setGroup = createRoute({
  ...common,
  operationId: "updateUserGroup",
  method: "put",
  path: `${base}/{uid}/group`,
  summary: "Move a user to a group",
  request: { params: UserIdParams, body: jsonBody(GroupAssignmentSchema) },
  responses: {
    ...userResponse("The updated user"),
    ...userErrors({ body: "json", errors: { 404: "No such user or group (`not_found`)" } }),
  },
});

export const setStatus = createRoute({
  ...common,
  operationId: "updateUserStatus",
  method: "put",
  path: `${base}/{uid}/status`,
  summary: "Set a user's status",
  description:
    "DISABLED and LOCKED end the user's sessions at once. The last active administrator cannot be disabled.",
  request: { params: UserIdParams, body: jsonBody(StatusUpdateSchema) },
  responses: {
    ...userResponse("The updated user"),
    ...userErrors({ body: "json", errors: { 409: lastAdmin } }),
  },
});

export const unlockUser = createRoute({
  ...common,
  operationId: "unlockUser",
  method: "post",
  path: `${base}/{uid}/unlock`,
  summary: "Clear failed sign-in attempts and any temporary lock",
  request: { params: UserIdParams },
  responses: { ...userResponse("The updated user"), ...userErrors() },
});

export const resetPassword = createRoute({
  ...common,
  operationId: "resetUserPassword",
  method: "post",
  path: `${base}/{uid}/reset-password`,
  summary: "Set a new password for a user",
  description:
    "The password must pass the policy; the user's sessions end. Linked provider identities stay unless " +
    "`remove_identities` is true (then each removal is audited with its issuer and subject).",
  request: { params: UserIdParams, body: jsonBody(PasswordResetSchema) },
  responses: { ...userResponse("The updated user"), ...userErrors({ body: "json" }) },
});

export const deleteUser = createRoute({
  ...common,
  operationId: "deleteUser",
  method: "delete",
  path: `${base}/{uid}`,
  summary: "Soft-delete a user",
  description: "The user cannot sign in, is hidden from lists, and the username stays reserved.",
  request: { params: UserIdParams },
  responses: { ...userResponse("The deleted user"), ...userErrors({ errors: { 409: lastAdmin } }) },
});

export const listSessions = createRoute({
  ...common,
  operationId: "listUserSessions",
  method: "get",
  path: `${base}/{uid}/sessions`,
  summary: "List a user's sessions",
  request: { params: UserIdParams },
  responses: { 200: jsonContent(SessionListSchema, "Sessions"), ...userErrors() },
});

export const endSessions = createRoute({
  ...common,
  operationId: "endUserSessions",
  method: "delete",
  path: `${base}/{uid}/sessions`,
  summary: "End all of a user's sessions",
  description:
    "Linked provider identities stay (they are how OIDC users sign in) unless `remove_identities=true`.",
  request: { params: UserIdParams, query: EndSessionsQuery },
  responses: {
    200: jsonContent(EndedSessionsSchema, "Sessions ended"),
    ...userErrors({
      errors: { 409: "remove_identities for an account without a password (`last_sign_in_method`)" },
    }),
  },
});

export const disableUserMfa = createRoute({
  ...common,
  operationId: "disableUserMfa",
  method: "post",
  path: `${base}/{uid}/mfa/disable`,
  summary: "Reset a user's second factors",
  description:
    "Removes the user's TOTP authenticator and recovery codes and ends all of their sessions; audited. " +
    "For a user who lost their authenticator. Needs a recent authentication of the administrator.",
  request: { params: UserIdParams },
  responses: {
    ...userResponse("The updated user"),
    ...userErrors({ errors: { 401: stepUp } }),
  },
});
