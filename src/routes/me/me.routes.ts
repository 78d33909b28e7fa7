import { createRoute } from "@hono/zod-openapi";
import { requireUser } from "../../http/authenticate";
import { errorResponses, jsonBody, jsonContent, sessionSecurity } from "../../http/schemas/common";
import { ProfileUpdateSchema } from "../../http/schemas/profile-fields";
import { ProfileSchema, UserSchema } from "../../http/schemas/user";

const tags = ["Current user"];
const common = { tags, security: sessionSecurity, middleware: requireUser };

export const getMe = createRoute({
  ...common,
  operationId: "getCurrentUser",
  method: "get",
  path: "/users/me",
  summary: "Get Current User Status",
  description: "The signed-in user, or 401 when not signed in.",
  responses: {
    200: jsonContent(UserSchema, "The signed-in user"),
    ...errorResponses({ auth: "user", beforePasswordChange: true, beforeMfaEnrolment: true }),
  },
});

export const getProfile = createRoute({
  ...common,
  operationId: "getCurrentUserProfile",
  method: "get",
  path: "/users/me/profile",
  summary: "Get Current User Profile",
  responses: { 200: jsonContent(ProfileSchema, "The profile"), ...errorResponses({ auth: "user" }) },
});

export const updateProfile = createRoute({
  ...common,
  operationId: "updateCurrentUserProfile",
  method: "put",
  path: "/users/me/profile",
  summary: "Update User Profile",
  description:
    "Updates the given profile fields (absent fields stay, null clears). role, status, group, id, " +
    "username and identity_source cannot be changed here: a body naming them is refused with 422.",
  request: { body: jsonBody(ProfileUpdateSchema) },
  responses: {
    200: jsonContent(ProfileSchema, "The updated profile"),
    ...errorResponses({ auth: "user", body: "json" }),
  },
});
