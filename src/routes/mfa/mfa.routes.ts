import { createRoute } from "@hono/zod-openapi";
import { requireUser } from "../../http/authenticate";
import {
  errorResponses,
  jsonBody,
  jsonContent,
  noSecurity,
  OkSchema,
  STEP_UP_REQUIRED,
  sessionSecurity,
  WEBAUTHN_MISCONFIGURED,
} from "../../http/schemas/common";
import { SessionResponseSchema } from "../../http/schemas/user";
import { RequestOptionsSchema } from "../../http/schemas/webauthn";
import {
  MfaLoginSchema,
  MfaStatusSchema,
  ReauthenticatedSchema,
  ReauthenticateSchema,
  RecoveryCodesSchema,
  TotpConfirmSchema,
  TotpEnrolmentSchema,
} from "./mfa.schemas";

const tags = ["Second factors"];
const common = { tags, security: sessionSecurity, middleware: requireUser };
const stepUp = STEP_UP_REQUIRED;
const encryption = "ENCRYPTION_KEY is missing or malformed (`encryption_not_configured`)";
const misconfigured = WEBAUTHN_MISCONFIGURED;

export const getMfaStatus = createRoute({
  ...common,
  operationId: "getMfaStatus",
  method: "get",
  path: "/users/me/mfa",
  summary: "Second factors of the signed-in user",
  responses: {
    200: jsonContent(MfaStatusSchema, "Which factors are active"),
    ...errorResponses({ auth: "user", beforeMfaEnrolment: true }),
  },
});

export const startTotp = createRoute({
  ...common,
  operationId: "startTotpEnrolment",
  method: "post",
  path: "/users/me/mfa/totp",
  summary: "Start TOTP enrolment",
  description:
    "Creates a new TOTP secret (stored encrypted, inactive until confirmed) and returns it once with " +
    "its `otpauth://` URI and a QR code. Starting again replaces an unconfirmed secret. Needs a recent " +
    "authentication.",
  responses: {
    201: jsonContent(TotpEnrolmentSchema, "The new secret, shown once"),
    ...errorResponses({
      auth: "user",
      beforeMfaEnrolment: true,
      errors: {
        401: stepUp,
        409: "A TOTP authenticator is already active (`mfa_already_enabled`)",
        503: encryption,
      },
    }),
  },
});

export const confirmTotp = createRoute({
  ...common,
  operationId: "confirmTotpEnrolment",
  method: "post",
  path: "/users/me/mfa/totp/confirm",
  summary: "Confirm TOTP enrolment",
  description:
    "Activates the pending secret with a valid code and returns ten recovery codes, once. Needs a " +
    "recent authentication.",
  request: { body: jsonBody(TotpConfirmSchema) },
  responses: {
    200: jsonContent(RecoveryCodesSchema, "Active; the recovery codes, shown once"),
    ...errorResponses({
      auth: "user",
      beforeMfaEnrolment: true,
      body: "json",
      errors: {
        401: `${stepUp}, or the code is wrong or already used (\`invalid_mfa_code\`)`,
        409: "No enrolment is pending (`mfa_not_enabled`)",
        503: encryption,
      },
    }),
  },
});

export const disableTotp = createRoute({
  ...common,
  operationId: "disableTotp",
  method: "delete",
  path: "/users/me/mfa/totp",
  summary: "Remove the TOTP authenticator",
  description: "Removes the secret and the recovery codes. Needs a recent authentication.",
  responses: {
    200: jsonContent(OkSchema, "Removed"),
    ...errorResponses({
      auth: "user",
      errors: { 401: stepUp, 409: "No TOTP authenticator (`mfa_not_enabled`)" },
    }),
  },
});

export const regenerateRecoveryCodes = createRoute({
  ...common,
  operationId: "regenerateRecoveryCodes",
  method: "post",
  path: "/users/me/mfa/recovery-codes",
  summary: "Replace the recovery codes",
  description: "Ten new codes, shown once; the old ones stop working. Needs a recent authentication.",
  responses: {
    200: jsonContent(RecoveryCodesSchema, "The new codes, shown once"),
    ...errorResponses({
      auth: "user",
      errors: { 401: stepUp, 409: "No second factor is active (`mfa_not_enabled`)" },
    }),
  },
});

export const reauthenticate = createRoute({
  ...common,
  operationId: "reauthenticate",
  method: "post",
  path: "/users/me/reauthenticate",
  summary: "Confirm it is you (step-up)",
  description:
    "Refreshes when and how this session last proved who the user is. Either a `passkey` assertion alone " +
    "(for a challenge from POST /users/me/reauthenticate/passkey/options; a passkey with user " +
    "verification is two factors, `amr` `hwk`, `user`, `mfa`), or: a user with a password sends it; a " +
    "user with a second factor also sends a TOTP `code` or a `recovery_code`; a user with neither (OIDC " +
    "only) signs in again. Wrong answers, refused passkeys included, count toward the account lockout.",
  request: { body: jsonBody(ReauthenticateSchema) },
  responses: {
    200: jsonContent(ReauthenticatedSchema, "Re-authenticated"),
    ...errorResponses({
      auth: "user",
      beforePasswordChange: true,
      beforeMfaEnrolment: true,
      body: "json",
      errors: {
        400: "The account has no local password, it signs in through OIDC (`no_local_password`)",
        401:
          "The second-factor code is wrong or used (`invalid_mfa_code`), or the passkey response is " +
          "refused: invalid, another account's, or for an unknown, used or other-browser challenge " +
          "(`invalid_passkey`)",
        403: "The password is wrong (`wrong_password`)",
        429: "Too many failures: account locked (`account_locked`) or throttled (`rate_limited`)",
        503: `${encryption}, or ${misconfigured}`,
      },
    }),
  },
});

export const reauthenticatePasskeyOptions = createRoute({
  ...common,
  operationId: "reauthenticatePasskeyOptions",
  method: "post",
  path: "/users/me/reauthenticate/passkey/options",
  summary: "Start a re-authentication with a passkey",
  description:
    "Request options for `navigator.credentials.get` listing the signed-in user's passkeys " +
    "(`allowCredentials`), user verification required. The challenge is single-use, valid 5 minutes, " +
    "issued to this user and bound to this browser by an HttpOnly cookie; answer with " +
    "POST /users/me/reauthenticate `{passkey}`.",
  responses: {
    200: jsonContent(RequestOptionsSchema, "Request options"),
    ...errorResponses({
      auth: "user",
      beforePasswordChange: true,
      beforeMfaEnrolment: true,
      errors: {
        409: "The user has no passkey (`mfa_not_enabled`)",
        429: "Throttled (`rate_limited`)",
        503: misconfigured,
      },
    }),
  },
});

export const loginMfa = createRoute({
  operationId: "loginMfa",
  method: "post",
  path: "/users/login/mfa",
  tags: ["Sign-in"],
  security: noSecurity,
  summary: "Finish a sign-in with the second factor",
  description:
    "After a sign-in answered `mfa_required`, sends the challenge with a TOTP `code`, a " +
    "`recovery_code` or a `passkey` assertion (for a challenge from POST /users/login/passkey/options) " +
    "within 5 minutes. Sets the session like any sign-in. Wrong codes count toward " +
    "the account lockout like wrong passwords.",
  request: { body: jsonBody(MfaLoginSchema) },
  responses: {
    200: jsonContent(SessionResponseSchema, "Signed in"),
    ...errorResponses({
      auth: "public",
      body: "json",
      errors: {
        400: "Unknown, expired or used challenge (`invalid_mfa_challenge`)",
        401: "Wrong, already used or expired code (`invalid_mfa_code`), or a refused passkey (`invalid_passkey`)",
        403: "The account is disabled (`account_disabled`)",
        429: "Too many failures: account locked (`account_locked`) or throttled (`rate_limited`)",
        503: encryption,
      },
    }),
  },
});
