import type { Context } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import { randomToken, sha256Hex } from "../../core/crypto";
import { AppError, invalid } from "../../core/errors";
import { isPlainHttpLoopback } from "../../core/hosts";
import { readConfig } from "../../core/settings";
import { providerAmr, providerProvedSecondFactor } from "../../domain/mfa/provider-second-factor";
import { allowedFrontendUri, withParams } from "../../domain/oidc/frontend-uri";
import {
  buildAuthorizationRequest,
  completeCallback,
  discover,
  OidcCallbackError,
} from "../../domain/oidc/oidc-client";
import { type OidcConfig, readOidcConfig } from "../../domain/oidc/oidc-config";
import { signInWithIdentity } from "../../domain/oidc/provision";
import { canHoldSession } from "../../domain/sessions/session-validity";
import type { AppEnv, AppRouteHandler } from "../../http/app-env";
import { requireAuthentication } from "../../http/authenticate";
import { issueSession } from "../../http/issue-session";
import { requestOrigin } from "../../http/request-context";
import { toSessionWire } from "../../http/schemas/user";
import { createMfaChallenge } from "../../storage/mfa-challenges";
import {
  issueLoginCode,
  STATE_TTL_SECONDS,
  saveState,
  takeLoginCode,
  takeState,
} from "../../storage/oidc-state";
import { findUserWithGroupById } from "../../storage/users";
import type { exchangeLoginCode, loginCallback, startLogin } from "./oidc.routes";

type Ctx = Context<AppEnv>;
const BINDING_COOKIE = "oidc_binding";
const CALLBACK_PATH = "/api/v1/users/login/callback";

const redirectUriOf = (c: Ctx, config: OidcConfig) =>
  config.redirectUri ?? `${new URL(c.req.url).origin}${CALLBACK_PATH}`;
const isPlainLocalhost = (c: Ctx) => isPlainHttpLoopback(new URL(c.req.url));

export const startLoginHandler: AppRouteHandler<typeof startLogin> = async (c) => {
  const config = readOidcConfig(c.env);
  const query = c.req.valid("query");
  const service = readConfig(c.env);
  const frontendUri = query.frontend_callback_uri
    ? allowedFrontendUri(query.frontend_callback_uri, service.frontendOrigins)
    : service.frontendDefaultUri;
  if (!frontendUri) {
    throw invalid(
      ["query", "frontend_callback_uri"],
      "Not an allowed frontend URI (see FRONTEND_ORIGINS)",
      "url_not_allowed",
    );
  }
  const linkUserId = query.link ? (await requireAuthentication(c)).user.id : null;

  const as = await discover(config);
  const request = await buildAuthorizationRequest(config, as, redirectUriOf(c, config));
  const binding = randomToken();
  await saveState(c.var.kv, request.state, {
    codeVerifier: request.codeVerifier,
    nonce: request.nonce,
    frontendUri,
    createdAt: new Date().toISOString(),
    bindingHash: await sha256Hex(binding),
    linkUserId,
  });
  const secure = !isPlainLocalhost(c);
  setCookie(c, BINDING_COOKIE, binding, {
    httpOnly: true,
    sameSite: "Lax",
    path: "/api/v1/users/login",
    maxAge: STATE_TTL_SECONDS,
    secure,
  });
  c.header("Cache-Control", "no-store");
  if ((c.req.header("accept") ?? "").includes("application/json")) {
    return c.json({ authorization_url: request.url }, 200);
  }
  return c.redirect(request.url, 302);
};

const invalidState = (detail: string) => new AppError("invalid_state", detail);

export const loginCallbackHandler: AppRouteHandler<typeof loginCallback> = async (c) => {
  const config = readOidcConfig(c.env);
  const query = c.req.valid("query");
  const record = query.state ? await takeState(c.var.kv, query.state) : null;
  if (!query.state || !record) throw invalidState("Unknown, expired or already used sign-in state");
  const binding = getCookie(c, BINDING_COOKIE);
  deleteCookie(c, BINDING_COOKIE, { path: "/api/v1/users/login" });
  if (!binding || (await sha256Hex(binding)) !== record.bindingHash) {
    throw invalidState("This sign-in was started in another browser");
  }
  c.header("Cache-Control", "no-store");
  try {
    const as = await discover(config);
    const identity = await completeCallback(config, as, new URL(c.req.url).searchParams, {
      state: query.state,
      nonce: record.nonce,
      codeVerifier: record.codeVerifier,
      redirectUri: redirectUriOf(c, config),
    });
    const user = await signInWithIdentity(c.var.primaryDb, {
      issuer: as.issuer,
      identity,
      linkUserId: record.linkUserId,
      origin: requestOrigin(c),
    });
    if (record.linkUserId) return c.redirect(withParams(record.frontendUri, { linked: "true" }), 302);
    const amr = providerAmr(identity.claims);
    if (user.mfaEnabled && !providerProvedSecondFactor(identity.claims, readConfig(c.env))) {
      // Second factor (docs/mfa.md): no session yet; the frontend finishes with POST /users/login/mfa.
      const challenge = await createMfaChallenge(c.var.kv, {
        userId: user.id,
        epoch: user.sessionEpoch,
        method: "oidc",
        amr,
        createdAt: new Date().toISOString(),
        frontendUri: record.frontendUri,
      });
      return c.redirect(withParams(record.frontendUri, { mfa_challenge: challenge }), 302);
    }
    await issueSession(c, user, "oidc", { cookie: true, amr });
    const loginCode = await issueLoginCode(c.var.kv, {
      userId: user.id,
      epoch: user.sessionEpoch,
      frontendOrigin: new URL(record.frontendUri).origin,
    });
    return c.redirect(withParams(record.frontendUri, { login_code: loginCode }), 302);
  } catch (error) {
    const code = error instanceof OidcCallbackError ? error.code : "invalid_response";
    if (!(error instanceof OidcCallbackError))
      console.error(`[${c.get("requestId")}] OIDC callback failed: ${String(error)}`);
    return c.redirect(withParams(record.frontendUri, { error: code }), 302);
  }
};

export const exchangeLoginCodeHandler: AppRouteHandler<typeof exchangeLoginCode> = async (c) => {
  const { code } = c.req.valid("json");
  const record = await takeLoginCode(c.var.kv, code);
  const origin = c.req.header("origin");
  // Browsers always send Origin on a cross-origin POST; the code only works for the frontend it was issued to.
  if (!record || (origin !== undefined && origin !== record.frontendOrigin)) {
    throw new AppError("invalid_login_code", "Unknown, used or expired sign-in code");
  }
  const user = await findUserWithGroupById(c.var.primaryDb, record.userId);
  if (!user || !canHoldSession(user, record.epoch)) {
    throw new AppError("invalid_login_code", "Unknown, used or expired sign-in code");
  }
  // Token only: this client is on another site, where our cookie would be a third-party cookie.
  const session = await issueSession(c, user, "oidc", { cookie: false });
  return c.json(toSessionWire(user, session), 200);
};
