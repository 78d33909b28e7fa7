import { createRoute, z } from "@hono/zod-openapi";
import { errorResponse, jsonBody, jsonContent, validationResponse } from "../../http/schemas/common";
import { SessionResponseSchema } from "../../http/schemas/user";

const tags = ["Sign-in"];

export const startLogin = createRoute({
  method: "get",
  path: "/users/login",
  tags,
  summary: "Initiate OIDC Login Flow",
  description:
    "Starts the authorization-code flow (PKCE S256, state, nonce). A browser navigation gets 302 to the provider; " +
    "`Accept: application/json` gets `{authorization_url}`. `frontend_callback_uri` must be under FRONTEND_ORIGINS. " +
    "`link=true` with a session attaches the provider identity to the signed-in account.",
  request: {
    query: z.object({
      frontend_callback_uri: z.string().max(2048).optional(),
      link: z.enum(["true", "false"]).optional(),
    }),
  },
  responses: {
    200: jsonContent(z.object({ authorization_url: z.string() }), "Where to send the browser"),
    302: { description: "Redirect to the provider" },
    401: errorResponse("link=true without a session"),
    422: validationResponse,
    503: errorResponse("OIDC is not configured, or the provider is unreachable"),
  },
});

export const loginCallback = createRoute({
  method: "get",
  path: "/users/login/callback",
  tags,
  summary: "Handle OIDC Login Callback",
  description:
    "The provider returns here. With a valid state the browser is always redirected to the stored frontend URI: " +
    "on success with `login_code` (for other-site frontends; the session cookie is set too), otherwise with a fixed " +
    "`error` code (access_denied, provider_error, invalid_response, account_disabled, identity_in_use). " +
    "An unknown, replayed or other-browser state gets 400 and no redirect.",
  request: {
    query: z.object({
      state: z.string().max(512).optional(),
      code: z.string().max(4096).optional(),
      error: z.string().max(256).optional(),
      iss: z.string().max(2048).optional(),
    }),
  },
  responses: {
    302: { description: "Back to the frontend" },
    400: errorResponse("Invalid or replayed state"),
    422: validationResponse,
    503: errorResponse("OIDC is not configured"),
  },
});

export const LoginCodeExchangeSchema = z
  .strictObject({ code: z.string().min(1).max(100) })
  .openapi("LoginCodeExchange");

export const exchangeLoginCode = createRoute({
  method: "post",
  path: "/users/login/exchange",
  tags,
  summary: "Exchange a one-time sign-in code for a session token",
  description:
    "For frontends on another site, where third-party cookies are blocked: the `login_code` from the callback " +
    "redirect (valid 60 s, single use, only from the frontend's own origin) becomes a session token.",
  request: { body: jsonBody(LoginCodeExchangeSchema) },
  responses: {
    200: jsonContent(SessionResponseSchema, "Signed in"),
    400: errorResponse("Unknown, used or expired code"),
    422: validationResponse,
  },
});
