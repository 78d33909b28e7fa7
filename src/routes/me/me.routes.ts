import { createRoute } from "@hono/zod-openapi";
import { requireUser } from "../../http/authenticate";
import { scopedReaderRoute, scopedRoute } from "../../http/credentials/scopes";
import { errorResponses, jsonBody, jsonContent, sessionSecurity } from "../../http/schemas/common";
import { ProfileUpdateSchema } from "../../http/schemas/profile-fields";
import { ProfileSchema, UserSchema } from "../../http/schemas/user";

const tags = ["Current user"];
const common = { tags, security: sessionSecurity, middleware: requireUser };
/** Readable with a personal API key holding `profile:read`. */
const profileRead = scopedRoute("profile:read");

export const getMe = createRoute({
  ...common,
  // Served from a valid access token without storage (docs/access-tokens.md); strict otherwise.
  ...scopedReaderRoute("profile:read"),
  operationId: "getCurrentUser",
  method: "get",
  path: "/users/me",
  summary: "Get Current User Status",
  description:
    "The signed-in user, or 401. From a valid access token it is as of the token's issuance (at most " +
    "ACCESS_TOKEN_TTL_SECONDS old).",
  responses: {
    200: jsonContent(UserSchema, "The signed-in user"),
    ...errorResponses({
      auth: "user",
      beforePasswordChange: true,
      beforeMfaEnrolment: true,
      scope: "profile:read",
    }),
  },
});

export const getProfile = createRoute({
  ...common,
  ...profileRead,
  operationId: "getCurrentUserProfile",
  method: "get",
  path: "/users/me/profile",
  summary: "Get Current User Profile",
  responses: {
    200: jsonContent(ProfileSchema, "The profile"),
    ...errorResponses({ auth: "user", scope: "profile:read" }),
  },
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
