import { createRoute } from "@hono/zod-openapi";
import { requireAdmin } from "../../http/authenticate";
import {
  adminErrorResponses,
  errorResponse,
  jsonBody,
  jsonContent,
  sessionSecurity,
} from "../../http/schemas/common";
import { ProfileUpdateSchema } from "../../http/schemas/profile-fields";
import { AdminUserSchema } from "../../http/schemas/user";
import {
  CreateUserSchema,
  EndedSessionsSchema,
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
const errors = adminErrorResponses;
const withUser = { ...errors, 404: errorResponse("No such user") };
const userResponse = (description: string) => ({ 200: jsonContent(AdminUserSchema, description) });

export const listUsers = createRoute({
  ...common,
  method: "get",
  path: base,
  summary: "List users",
  description:
    "Search (username, e-mail, display name; case-insensitive substring), filter, sort and paginate.",
  request: { query: ListUsersQuery },
  responses: { 200: jsonContent(UserListSchema, "A page of users"), ...errors },
});

export const createUser = createRoute({
  ...common,
  method: "post",
  path: base,
  summary: "Create a local user",
  request: { body: jsonBody(CreateUserSchema) },
  responses: {
    201: jsonContent(AdminUserSchema, "Created"),
    ...errors,
    404: errorResponse("No such group"),
    409: errorResponse("Username taken (including by a deleted user)"),
  },
});

export const getUser = createRoute({
  ...common,
  method: "get",
  path: `${base}/{uid}`,
  summary: "Get a user",
  request: { params: UserIdParams },
  responses: { ...userResponse("The user"), ...withUser },
});

export const patchUser = createRoute({
  ...common,
  method: "patch",
  path: `${base}/{uid}`,
  summary: "Update a user's profile fields",
  request: { params: UserIdParams, body: jsonBody(ProfileUpdateSchema) },
  responses: { ...userResponse("The updated user"), ...withUser },
});

export const setRole = createRoute({
  ...common,
  method: "put",
  path: `${base}/{uid}/role`,
  summary: "Set a user's role",
  description: "Refused with 409 when it would leave no active administrator (also for self-demotion).",
  request: { params: UserIdParams, body: jsonBody(RoleUpdateSchema) },
  responses: { ...userResponse("The updated user"), ...withUser, 409: errorResponse("Last administrator") },
});

export const setGroup = createRoute({
  ...common,
  method: "put",
  path: `${base}/{uid}/group`,
  summary: "Move a user to a group",
  request: { params: UserIdParams, body: jsonBody(GroupAssignmentSchema) },
  responses: { ...userResponse("The updated user"), ...withUser },
});

export const setStatus = createRoute({
  ...common,
  method: "put",
  path: `${base}/{uid}/status`,
  summary: "Set a user's status",
  description:
    "DISABLED and LOCKED end the user's sessions at once. The last active administrator cannot be disabled.",
  request: { params: UserIdParams, body: jsonBody(StatusUpdateSchema) },
  responses: { ...userResponse("The updated user"), ...withUser, 409: errorResponse("Last administrator") },
});

export const unlockUser = createRoute({
  ...common,
  method: "post",
  path: `${base}/{uid}/unlock`,
  summary: "Clear failed sign-in attempts and any temporary lock",
  request: { params: UserIdParams },
  responses: { ...userResponse("The updated user"), ...withUser },
});

export const resetPassword = createRoute({
  ...common,
  method: "post",
  path: `${base}/{uid}/reset-password`,
  summary: "Set a new password for a user",
  description: "The password must pass the policy; the user's sessions end.",
  request: { params: UserIdParams, body: jsonBody(PasswordResetSchema) },
  responses: { ...userResponse("The updated user"), ...withUser },
});

export const deleteUser = createRoute({
  ...common,
  method: "delete",
  path: `${base}/{uid}`,
  summary: "Soft-delete a user",
  description: "The user cannot sign in, is hidden from lists, and the username stays reserved.",
  request: { params: UserIdParams },
  responses: { ...userResponse("The deleted user"), ...withUser, 409: errorResponse("Last administrator") },
});

export const listSessions = createRoute({
  ...common,
  method: "get",
  path: `${base}/{uid}/sessions`,
  summary: "List a user's sessions",
  request: { params: UserIdParams },
  responses: { 200: jsonContent(SessionListSchema, "Sessions"), ...withUser },
});

export const endSessions = createRoute({
  ...common,
  method: "delete",
  path: `${base}/{uid}/sessions`,
  summary: "End all of a user's sessions",
  request: { params: UserIdParams },
  responses: { 200: jsonContent(EndedSessionsSchema, "Sessions ended"), ...withUser },
});
