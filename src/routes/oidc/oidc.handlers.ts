import type { Context } from "hono";
import { randomToken, sha256Hex } from "../../core/crypto";
import { AppError, invalid } from "../../core/errors";
import { readConfig } from "../../core/settings";
import { nowIso } from "../../core/time";
import { providerAmr, providerProvedSecondFactor } from "../../domain/mfa/provider-second-factor";
import { allowedFrontendUri, withParams } from "../../domain/oidc/frontend-uri";
import {
  buildAuthorizationRequest,
  codeChallengeOf,
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
import { setBindingCookie, takeBindingCookie } from "../../http/oidc-binding-cookie";
import { throttle } from "../../http/rate-limit";
import { RECENT_AUTHENTICATION_SECONDS, requireRecentAuthentication } from "../../http/recent-authentication";
import { clientKey, requestOrigin } from "../../http/request-context";
import { toSessionWire } from "../../http/schemas/user";
import { createMfaChallenge } from "../../storage/mfa-challenges";
import {
  issueLoginCode,
  type OidcStateRecord,
  STATE_TTL_SECONDS,
  saveState,
  takeLoginCode,
  takeState,
} from "../../storage/oidc-state";
import type { UserWithGroup } from "../../storage/users";
import { findUserWithGroupById } from "../../storage/users";
import type { exchangeLoginCode, loginCallback, startLogin } from "./oidc.routes";

type Ctx = Context<AppEnv>;
const CALLBACK_PATH = "/api/v1/users/login/callback";

const redirectUriOf = (c: Ctx, config: OidcConfig) =>
  config.redirectUri ?? `${new URL(c.req.url).origin}${CALLBACK_PATH}`;

function frontendUriOf(c: Ctx, requested: string | undefined): string {
  const service = readConfig(c.env);
  const frontendUri = requested
    ? allowedFrontendUri(requested, service.frontendOrigins)
    : service.frontendDefaultUri;
  if (!frontendUri) {
    throw invalid(
      ["query", "frontend_callback_uri"],
      "Not an allowed frontend URI (see FRONTEND_ORIGINS)",
      "url_not_allowed",
    );
  }
  return frontendUri;
}

/**
 * Linking needs more than a session token: the account holder, with no password change pending,
 * proved who they are in the last few minutes (http/recent-authentication.ts).
 */
async function linkingUser(c: Ctx): Promise<{ userId: string; epoch: number }> {
  const auth = await requireAuthentication(c);
  c.set("auth", auth);
  if (auth.user.mustChangePassword) {
    throw new AppError("password_change_required", "Change your password before linking an identity");
  }
  requireRecentAuthentication(c, RECENT_AUTHENTICATION_SECONDS);
  return { userId: auth.user.id, epoch: auth.user.sessionEpoch };
}

export const startLoginHandler: AppRouteHandler<typeof startLogin> = async (c) => {
  // Each start writes a KV record: throttled per client address before anything else.
  await throttle(
    c.env.LOGIN_LIMITER,
    `oidc-start:${clientKey(c)}`,
    "Too many sign-ins started from this client; slow down",
  );
  const config = readOidcConfig(c.env);
  const query = c.req.valid("query");
  const frontendUri = frontendUriOf(c, query.frontend_callback_uri);
  const link = query.link ? await linkingUser(c) : null;

  const as = await discover(config);
  const reauthenticate = link ? RECENT_AUTHENTICATION_SECONDS : undefined;
  const request = await buildAuthorizationRequest(config, as, redirectUriOf(c, config), reauthenticate);
  const binding = randomToken();
  await saveState(c.var.kv, request.state, {
    codeVerifier: request.codeVerifier,
    nonce: request.nonce,
    frontendUri,
    createdAt: nowIso(),
    bindingHash: await sha256Hex(binding),
    codeChallenge: query.code_challenge ?? null,
    linkUserId: link?.userId ?? null,
    linkEpoch: link?.epoch,
  });
  setBindingCookie(c, binding, STATE_TTL_SECONDS);
  c.header("Cache-Control", "no-store");
  if ((c.req.header("accept") ?? "").includes("application/json")) {
    return c.json({ authorization_url: request.url }, 200);
  }
  return c.redirect(request.url, 302);
};

const invalidState = (detail: string) => new AppError("invalid_state", detail);

/**
 * Where a signed-in browser goes. A frontend that sent a code challenge and is not on the
 * Worker's own origin gets a one-time login code bound to it (and no cookie session it could not
 * use); every other frontend gets the cookie session only.
 */
async function signedInDestination(
  c: Ctx,
  user: UserWithGroup,
  record: OidcStateRecord,
  amr: string[],
): Promise<string> {
  const frontendOrigin = new URL(record.frontendUri).origin;
  if (!record.codeChallenge || frontendOrigin === new URL(c.req.url).origin) {
    await issueSession(c, user, "oidc", { cookie: true, amr });
    return record.frontendUri;
  }
  const loginCode = await issueLoginCode(c.var.kv, {
    userId: user.id,
    epoch: user.sessionEpoch,
    frontendOrigin,
    codeChallenge: record.codeChallenge,
    authTime: nowIso(),
  });
  return withParams(record.frontendUri, { login_code: loginCode });
}

export const loginCallbackHandler: AppRouteHandler<typeof loginCallback> = async (c) => {
  const config = readOidcConfig(c.env);
  const query = c.req.valid("query");
  const record = query.state ? await takeState(c.var.kv, query.state) : null;
  if (!query.state || !record) throw invalidState("Unknown, expired or already used sign-in state");
  const binding = takeBindingCookie(c);
  if (!binding || (await sha256Hex(binding)) !== record.bindingHash) {
    throw invalidState("This sign-in was started in another browser");
  }
  c.header("Cache-Control", "no-store");
  const link = record.linkUserId ? { userId: record.linkUserId, epoch: record.linkEpoch ?? -1 } : null;
  try {
    const as = await discover(config);
    const identity = await completeCallback(config, as, new URL(c.req.url).searchParams, {
      state: query.state,
      nonce: record.nonce,
      codeVerifier: record.codeVerifier,
      redirectUri: redirectUriOf(c, config),
      maxAge: link ? RECENT_AUTHENTICATION_SECONDS : undefined,
    });
    const user = await signInWithIdentity(c.var.primaryDb, {
      issuer: as.issuer,
      identity,
      link,
      origin: requestOrigin(c),
    });
    if (link) return c.redirect(withParams(record.frontendUri, { linked: "true" }), 302);
    if (user.mfaEnabled && !providerProvedSecondFactor(identity.claims, readConfig(c.env))) {
      // Second factor (docs/mfa.md): no session yet; the frontend finishes with POST /users/login/mfa.
      const challenge = await createMfaChallenge(c.var.kv, {
        userId: user.id,
        epoch: user.sessionEpoch,
        method: "oidc",
        amr: providerAmr(identity.claims),
        createdAt: new Date().toISOString(),
        frontendUri: record.frontendUri,
      });
      return c.redirect(withParams(record.frontendUri, { mfa_challenge: challenge }), 302);
    }
    return c.redirect(await signedInDestination(c, user, record, providerAmr(identity.claims)), 302);
  } catch (error) {
    const code = error instanceof OidcCallbackError ? error.code : "invalid_response";
    if (!(error instanceof OidcCallbackError))
      console.error(`[${c.get("requestId")}] OIDC callback failed: ${String(error)}`);
    return c.redirect(withParams(record.frontendUri, { error: code }), 302);
  }
};

const invalidLoginCode = () => new AppError("invalid_login_code", "Unknown, used or expired sign-in code");

export const exchangeLoginCodeHandler: AppRouteHandler<typeof exchangeLoginCode> = async (c) => {
  const { code, code_verifier } = c.req.valid("json");
  const record = await takeLoginCode(c.var.kv, code);
  // The code is bound to the browser that started sign-in: only the holder of the verifier whose
  // challenge it sent can redeem it. A browser's Origin, when sent, must also be the frontend's.
  if (!record || (await codeChallengeOf(code_verifier)) !== record.codeChallenge) throw invalidLoginCode();
  const origin = c.req.header("origin");
  if (origin !== undefined && origin !== record.frontendOrigin) throw invalidLoginCode();
  const user = await findUserWithGroupById(c.var.primaryDb, record.userId);
  if (!user || !canHoldSession(user, record.epoch)) throw invalidLoginCode();
  // Token only: this client is on another site, where our cookie would be a third-party cookie.
  const session = await issueSession(c, user, "oidc", {
    cookie: false,
    proof: { authTime: record.authTime, amr: ["oidc"] },
  });
  return c.json(toSessionWire(user, session), 200);
};
