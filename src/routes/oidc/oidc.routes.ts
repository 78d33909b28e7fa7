import { createRoute } from "@hono/zod-openapi";
import { errorResponses, jsonBody, jsonContent, noSecurity } from "../../http/schemas/common";
import { SessionResponseSchema } from "../../http/schemas/user";
import {
  AuthorizationUrlSchema,
  LoginCallbackQuery,
  LoginCodeExchangeSchema,
  StartLoginQuery,
} from "./oidc.schemas";

const tags = ["Sign-in"];

export const startLogin = createRoute({
  operationId: "startOidcLogin",
  method: "get",
  path: "/users/login",
  tags,
  summary: "Initiate OIDC Login Flow",
  description:
    "Starts the authorization-code flow (PKCE S256, state, nonce). A browser navigation gets 302 to the provider; " +
    "`Accept: application/json` gets `{authorization_url}`. `frontend_callback_uri` must be under FRONTEND_ORIGINS. " +
    "`code_challenge` binds the one-time login code to the frontend (see the exchange). " +
    "`link=true` with a session attaches the provider identity to the signed-in account: the session must have " +
    "proved who the user is within 5 minutes, and the provider is asked to authenticate again. Throttled per client.",
  security: noSecurity,
  request: { query: StartLoginQuery },
  responses: {
    200: jsonContent(AuthorizationUrlSchema, "Where to send the browser"),
    302: { description: "Redirect to the provider" },
    ...errorResponses({
      auth: "public",
      params: true,
      errors: {
        401: "link=true without a session (`unauthorized`), or without a recent sign-in (`reauthentication_required`)",
        403: "link=true while a password change is pending (`password_change_required`)",
        429: "Too many sign-in starts from this client (`rate_limited`); see Retry-After",
        503:
          "OIDC is not configured (`oidc_not_configured`), the provider is unreachable (`oidc_unavailable`), " +
          "or a deployment setting is malformed (`misconfigured`)",
      },
    }),
  },
});

export const loginCallback = createRoute({
  operationId: "handleOidcCallback",
  method: "get",
  path: "/users/login/callback",
  tags,
  summary: "Handle OIDC Login Callback",
  description:
    "The provider returns here. With a valid state the browser is always redirected to the stored frontend URI: " +
    "on success with the session cookie, or, for a frontend on another origin that sent `code_challenge`, with a " +
    "one-time `login_code` instead; otherwise with a fixed `error` code (access_denied, provider_error, " +
    "invalid_response, account_disabled, identity_in_use, reauthentication_required). " +
    "An unknown, replayed or other-browser state gets 400 and no redirect.",
  security: noSecurity,
  request: { query: LoginCallbackQuery },
  responses: {
    302: { description: "Back to the frontend" },
    ...errorResponses({
      auth: "public",
      params: true,
      errors: {
        400: "Invalid, replayed or other-browser state (`invalid_state`)",
        503: "OIDC is not configured (`oidc_not_configured`)",
      },
    }),
  },
});

export const exchangeLoginCode = createRoute({
  operationId: "exchangeLoginCode",
  method: "post",
  path: "/users/login/exchange",
  tags,
  summary: "Exchange a one-time sign-in code for a session token",
  description:
    "For frontends on another site, where third-party cookies are blocked: the `login_code` from the callback " +
    "redirect (valid 60 s, single use) and the `code_verifier` whose S256 challenge started sign-in become a " +
    "session token. A browser's `Origin`, when sent, must be the frontend's.",
  security: noSecurity,
  request: { body: jsonBody(LoginCodeExchangeSchema) },
  responses: {
    200: jsonContent(SessionResponseSchema, "Signed in"),
    ...errorResponses({
      auth: "public",
      body: "json",
      errors: {
        400: "Unknown, used, expired, other-origin or wrong-verifier code (`invalid_login_code`)",
        503: "A deployment setting is malformed (`misconfigured`)",
      },
    }),
  },
});
