import { createRoute, z } from "@hono/zod-openapi";
import { requireUser } from "../../http/authenticate";
import {
  authErrorResponses,
  errorResponse,
  jsonBody,
  jsonContent,
  OkSchema,
  passwordInput,
  sessionSecurity,
  validationResponse,
} from "../../http/schemas/common";
import { SessionResponseSchema } from "../../http/schemas/user";

const tags = ["Sign-in"];

export const LocalLoginRequestSchema = z
  .strictObject({
    username: z.string().trim().min(1).max(150),
    password: passwordInput,
  })
  .openapi("LocalLoginRequest");

export const loginLocal = createRoute({
  method: "post",
  path: "/users/login/local",
  tags,
  summary: "Local Authentication Fallback",
  description:
    "Signs in with a local username and password. Sets the session cookie and returns the same token for " +
    "clients that use `Authorization: Bearer`. Consecutive failures lock the account for a growing interval.",
  request: { body: jsonBody(LocalLoginRequestSchema) },
  responses: {
    200: jsonContent(SessionResponseSchema, "Signed in"),
    401: errorResponse("Invalid username or password"),
    403: errorResponse("The account is disabled"),
    422: validationResponse,
    429: errorResponse("Too many attempts (account locked or client throttled); see Retry-After"),
  },
});

export const logout = createRoute({
  method: "post",
  path: "/users/logout",
  tags,
  summary: "Logout",
  description: "Ends the current session and clears the session cookie.",
  security: sessionSecurity,
  middleware: requireUser,
  responses: { 200: jsonContent(OkSchema, "Signed out"), ...authErrorResponses },
});

export const PasswordUpdateRequestSchema = z
  .strictObject({
    current_password: passwordInput,
    new_password: passwordInput,
  })
  .openapi("PasswordUpdateRequest");

export const updatePassword = createRoute({
  method: "put",
  path: "/users/password",
  tags,
  summary: "Update User Password",
  description:
    "Changes the signed-in user's password. Requires the current password; the new one must meet the " +
    "password policy. Every other session of the user ends; the calling session stays signed in.",
  security: sessionSecurity,
  middleware: requireUser,
  request: { body: jsonBody(PasswordUpdateRequestSchema) },
  responses: {
    200: jsonContent(OkSchema, "Password changed"),
    400: errorResponse("The account has no local password (OIDC sign-in)"),
    403: errorResponse("The current password is wrong"),
    ...authErrorResponses,
  },
});
