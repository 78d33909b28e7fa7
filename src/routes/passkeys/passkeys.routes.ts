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
  CreationOptionsSchema,
  PasskeyIdParams,
  PasskeyListSchema,
  PasskeyLoginSchema,
  PasskeySchema,
  RegisterPasskeySchema,
  RenamePasskeySchema,
} from "./passkeys.schemas";

const tags = ["Passkeys"];
const common = { tags, security: sessionSecurity, middleware: requireUser };
const stepUp = STEP_UP_REQUIRED;
const misconfigured = WEBAUTHN_MISCONFIGURED;

export const passkeyRegistrationOptions = createRoute({
  ...common,
  operationId: "passkeyRegistrationOptions",
  method: "post",
  path: "/users/me/passkeys/options",
  summary: "Start registering a passkey",
  description:
    "Creation options for `navigator.credentials.create` (discoverable credential, user verification " +
    "required). The challenge is single-use, valid 5 minutes and bound to this browser by an HttpOnly " +
    "cookie. Needs a recent authentication.",
  responses: {
    200: jsonContent(CreationOptionsSchema, "Creation options"),
    ...errorResponses({
      auth: "user",
      beforeMfaEnrolment: true,
      errors: { 401: stepUp, 503: misconfigured },
    }),
  },
});

export const registerPasskey = createRoute({
  ...common,
  operationId: "registerPasskey",
  method: "post",
  path: "/users/me/passkeys",
  summary: "Finish registering a passkey",
  description:
    "The credential from `navigator.credentials.create`, with a name. Needs a recent authentication.",
  request: { body: jsonBody(RegisterPasskeySchema) },
  responses: {
    201: jsonContent(PasskeySchema, "Registered"),
    ...errorResponses({
      auth: "user",
      beforeMfaEnrolment: true,
      body: "json",
      errors: {
        401: `${stepUp}, or the response is invalid or for another challenge (\`invalid_passkey\`)`,
        503: misconfigured,
      },
    }),
  },
});

export const listPasskeys = createRoute({
  ...common,
  operationId: "listPasskeys",
  method: "get",
  path: "/users/me/passkeys",
  summary: "The signed-in user's passkeys",
  responses: { 200: jsonContent(PasskeyListSchema, "Passkeys"), ...errorResponses({ auth: "user" }) },
});

export const renamePasskey = createRoute({
  ...common,
  operationId: "renamePasskey",
  method: "patch",
  path: "/users/me/passkeys/{passkey_id}",
  summary: "Rename a passkey",
  description:
    "Sets the name shown in the list (the same rules as at registration). The name decides nothing about " +
    "sign-in, so no recent authentication is needed; the change is audited.",
  request: { params: PasskeyIdParams, body: jsonBody(RenamePasskeySchema) },
  responses: {
    200: jsonContent(PasskeySchema, "Renamed"),
    ...errorResponses({
      auth: "user",
      params: true,
      body: "json",
      errors: { 404: "No such passkey of yours (`not_found`)" },
    }),
  },
});

export const deletePasskey = createRoute({
  ...common,
  operationId: "deletePasskey",
  method: "delete",
  path: "/users/me/passkeys/{passkey_id}",
  summary: "Remove a passkey",
  description: "Needs a recent authentication.",
  request: { params: PasskeyIdParams },
  responses: {
    200: jsonContent(OkSchema, "Removed"),
    ...errorResponses({
      auth: "user",
      params: true,
      errors: { 401: stepUp, 404: "No such passkey of yours (`not_found`)" },
    }),
  },
});

export const passkeyLoginOptions = createRoute({
  operationId: "passkeyLoginOptions",
  method: "post",
  path: "/users/login/passkey/options",
  tags: ["Sign-in"],
  security: noSecurity,
  summary: "Start a sign-in with a passkey",
  description:
    "Request options for `navigator.credentials.get` with discoverable credentials (no username). The " +
    "challenge is single-use, valid 5 minutes and bound to this browser by an HttpOnly cookie.",
  responses: {
    200: jsonContent(RequestOptionsSchema, "Request options"),
    ...errorResponses({ auth: "public", errors: { 429: "Throttled (`rate_limited`)", 503: misconfigured } }),
  },
});

export const loginPasskey = createRoute({
  operationId: "loginPasskey",
  method: "post",
  path: "/users/login/passkey",
  tags: ["Sign-in"],
  security: noSecurity,
  summary: "Sign in with a passkey",
  description:
    "The assertion from `navigator.credentials.get`. A passkey with user verification is two factors: " +
    "the session's `amr` is `hwk`, `user`, `mfa`. A signature counter that goes backwards (a cloned " +
    "authenticator) is refused and audited.",
  request: { body: jsonBody(PasskeyLoginSchema) },
  responses: {
    200: jsonContent(SessionResponseSchema, "Signed in"),
    ...errorResponses({
      auth: "public",
      body: "json",
      errors: {
        401: "Invalid, unknown, replayed or other-browser passkey response (`invalid_passkey`)",
        403: "The account is disabled (`account_disabled`)",
        429: "Throttled (`rate_limited`)",
        503: misconfigured,
      },
    }),
  },
});
