import { createRoute, z } from "@hono/zod-openapi";
import { requireUser } from "../../http/authenticate";
import {
  errorResponses,
  jsonBody,
  jsonContent,
  noSecurity,
  OkSchema,
  STEP_UP_REQUIRED,
  sessionSecurity,
} from "../../http/schemas/common";
import { SessionResponseSchema } from "../../http/schemas/user";
import { LocalLoginRequestSchema, MfaRequiredSchema, PasswordUpdateRequestSchema } from "./auth.schemas";

const tags = ["Sign-in"];

export const loginLocal = createRoute({
  operationId: "loginLocal",
  method: "post",
  path: "/users/login/local",
  tags,
  summary: "Local Authentication Fallback",
  description:
    "Signs in with a local username and password. Sets the session cookie and returns the same token for " +
    "clients that use `Authorization: Bearer`. Consecutive failures lock the account for a growing interval. " +
    "When the user has a second factor, a correct password answers `mfa_required` with a challenge " +
    "instead (no session, no cookie): finish with `POST /users/login/mfa`.",
  security: noSecurity,
  request: { body: jsonBody(LocalLoginRequestSchema) },
  responses: {
    200: jsonContent(
      z.union([SessionResponseSchema, MfaRequiredSchema]),
      "Signed in, or the password was right and the second factor is needed",
    ),
    ...errorResponses({
      auth: "public",
      body: "json",
      errors: {
        401: "Invalid username or password (`invalid_credentials`)",
        403: "The account is disabled (`account_disabled`)",
        429: "Too many attempts: account locked (`account_locked`) or client throttled (`rate_limited`); see Retry-After",
        503: "A deployment setting is malformed (`misconfigured`)",
      },
    }),
  },
});

export const logout = createRoute({
  operationId: "logout",
  method: "post",
  path: "/users/logout",
  tags,
  summary: "Logout",
  description: "Ends the current session and clears the session cookie.",
  security: sessionSecurity,
  middleware: requireUser,
  responses: {
    200: jsonContent(OkSchema, "Signed out"),
    ...errorResponses({ auth: "user", beforePasswordChange: true, beforeMfaEnrolment: true }),
  },
});

export const updatePassword = createRoute({
  operationId: "changePassword",
  method: "put",
  path: "/users/password",
  tags,
  summary: "Update User Password",
  description:
    "Changes the signed-in user's password. Requires the current password; the new one must meet the " +
    "password policy. Every other session of the user ends; the calling session stays signed in. Needs a " +
    "recent authentication (step-up).",
  security: sessionSecurity,
  middleware: requireUser,
  request: { body: jsonBody(PasswordUpdateRequestSchema) },
  responses: {
    200: jsonContent(OkSchema, "Password changed"),
    ...errorResponses({
      auth: "user",
      beforePasswordChange: true,
      body: "json",
      errors: {
        400: "The account has no local password, it signs in through OIDC (`no_local_password`)",
        401: STEP_UP_REQUIRED,
        403: "The current password is wrong (`wrong_password`)",
        429: "Too many attempts (`rate_limited`); see Retry-After",
      },
    }),
  },
});
