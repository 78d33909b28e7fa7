import type { Context } from "hono";
import { createMiddleware } from "hono/factory";
import { AppError, forbidden, unauthorized } from "../core/errors";
import { readConfig } from "../core/settings";
import type { CallerSnapshot } from "../domain/access-tokens/access-token";
import { mustEnrollSecondFactor } from "../domain/mfa/mfa-requirement";
import { canHoldSession, renewalDue, sessionIsLive } from "../domain/sessions/session-validity";
import { readSession, renewSession, type SessionRecord } from "../storage/sessions";
import { authUserQuery, toUserWithGroup, type UserWithGroup } from "../storage/users";
import { setFreshAccessCookie } from "./access-tokens";
import type { AppEnv, AuthContext, Caller } from "./app-env";
import { presentedAccessToken } from "./credentials/access-token";
import { assertApiKeyMayCall, authenticatePersonalKey } from "./credentials/api-key";
import type { PresentedCredential } from "./credentials/presented";
import { presentedSession } from "./credentials/session";
import { clearAccessCookie, readAccessCookie, readBearer, readSessionToken } from "./session-cookie";

/**
 * The one authentication path. A request presents a credential — tried in this order: an access
 * token (Bearer JWT or the access cookie), then a session token (Bearer or the session cookie) —
 * and is then checked one of two ways:
 *
 * - strict (`requireUser`, `requireAdmin`; every write, every administrative route, and every read
 *   in AUTH_MODE=strict): the KV session record and the user row from the D1 primary, read at once;
 *   expiry, idle timeout, status, deletion, session epoch. The user row is the truth, so disabling,
 *   demotion and "end all sessions" apply at once everywhere.
 * - access token (`requireReader`, only on reads that declare it and only in access-token mode): the
 *   token's signature and expiry, no storage at all; the caller is as of issuance, at most
 *   ACCESS_TOKEN_TTL_SECONDS old (docs/access-tokens.md).
 *
 * A personal API key (`Bearer eu_…`, http/credentials/api-key.ts) is checked against D1 on every
 * use and never takes the access-token shortcut.
 *
 * Null when any step fails; never throws for a bad credential. The X-User-ID header of the original
 * API is ignored: it is a claim, not a credential.
 */
const CREDENTIAL_KINDS = [presentedAccessToken, presentedSession];

async function presentedCredential(c: Context<AppEnv>): Promise<PresentedCredential | null> {
  for (const kind of CREDENTIAL_KINDS) {
    const presented = await kind(c);
    if (presented) return presented;
  }
  return null;
}

export const snapshotOf = (user: UserWithGroup): CallerSnapshot => ({
  id: user.id,
  username: user.username,
  email: user.email,
  displayName: user.displayName,
  role: user.role,
  group: { id: user.group.id, name: user.group.name },
  status: user.status,
  identitySource: user.identitySource,
  mustChangePassword: user.mustChangePassword,
  mfaEnabled: user.mfaEnabled,
  createdAt: user.createdAt,
  lastLoginAt: user.lastLoginAt,
});

/** The strict check of a presented credential against KV and the D1 primary; renews when due. */
async function checkStrict(c: Context<AppEnv>, presented: PresentedCredential): Promise<AuthContext | null> {
  const config = readConfig(c.env);
  // The credential names the user, so the KV record and the user row are read at once: a location
  // far from the D1 primary pays one round trip, not two in sequence.
  const [session, row] = await Promise.all([
    readSession(c.var.kv, { userId: presented.userId, id: presented.sessionId }),
    authUserQuery(c.var.primaryDb, presented.userId).get(),
  ]);
  if (!session || !sessionIsLive(session, config.sessionIdleSeconds)) return null;
  const user = toUserWithGroup(row);
  if (!user || user.id !== session.userId || !canHoldSession(user, session.epoch)) return null;
  if (presented.epoch !== null && presented.epoch !== user.sessionEpoch) return null;
  const renewed = renewalDue(session, config.sessionIdleSeconds)
    ? await renewSession(c.var.kv, presented.sessionId, session, config.sessionIdleSeconds)
    : session;
  const preferences = {
    overrides: row?.preferences ?? null,
    version: row?.preferencesVersion ?? 0,
    apiKeys: row?.apiKeys ?? "[]",
  };
  return { user, sessionId: presented.sessionId, session: renewed, preferences };
}

const personalKey = (c: Context<AppEnv>) => {
  const bearer = readBearer(c);
  return bearer?.startsWith("eu_") ? bearer : null;
};

/** The strict path: whether this request carries a live session (or API key), and whose. */
export async function authenticate(c: Context<AppEnv>): Promise<AuthContext | null> {
  const key = personalKey(c);
  if (key) return authenticatePersonalKey(c, key);
  const presented = await presentedCredential(c);
  return presented ? checkStrict(c, presented) : null;
}

const anyCredential = (c: Context<AppEnv>) => readSessionToken(c) !== null || readAccessCookie(c) !== null;

/**
 * A user whose password was set by an administrator (reset, or created with
 * require_password_change) may only see who they are, change the password (re-authenticating
 * for it), or sign out.
 */
const ALLOWED_BEFORE_PASSWORD_CHANGE = new Set([
  "GET /api/v1/users/me",
  "PUT /api/v1/users/password",
  "POST /api/v1/users/logout",
  // The password change needs a recent authentication (step-up).
  "POST /api/v1/users/me/reauthenticate",
  "POST /api/v1/users/me/reauthenticate/passkey/options",
]);

/**
 * A user who must have a second factor (MFA_REQUIRED_FOR_ADMINS, group policy `require_mfa`) and
 * has none may only see who they are, enrol one (and re-authenticate for it), or sign out.
 */
const ALLOWED_BEFORE_MFA_ENROLMENT = new Set([
  "GET /api/v1/users/me",
  "POST /api/v1/users/logout",
  "GET /api/v1/users/me/mfa",
  "POST /api/v1/users/me/mfa/totp",
  "POST /api/v1/users/me/mfa/totp/confirm",
  "POST /api/v1/users/me/passkeys/options",
  "POST /api/v1/users/me/passkeys",
  "POST /api/v1/users/me/reauthenticate",
  "POST /api/v1/users/me/reauthenticate/passkey/options",
]);

function enforcePasswordChange(c: Context<AppEnv>, user: CallerSnapshot): void {
  if (user.mustChangePassword && !ALLOWED_BEFORE_PASSWORD_CHANGE.has(`${c.req.method} ${c.req.path}`)) {
    throw new AppError("password_change_required", "Change your password first (PUT /api/v1/users/password)");
  }
}

const isSafeMethod = (c: Context) => c.req.method === "GET" || c.req.method === "HEAD";

/**
 * The access cookie after a strict check of a browser request: a read without a valid one gets a
 * fresh one; a write drops it, since the write may change what it says (the next read refreshes).
 */
async function maintainAccessCookie(c: Context<AppEnv>, presented: PresentedCredential, auth: AuthContext) {
  if (!presented.fromCookie || auth.sessionId === null || auth.session === null) return;
  if (!isSafeMethod(c)) {
    if (readAccessCookie(c) !== null) clearAccessCookie(c);
    return;
  }
  if (presented.kind === "access-token") return;
  await setFreshAccessCookie(c, {
    user: snapshotOf(auth.user),
    sessionId: auth.sessionId,
    session: auth.session,
  });
}

/** The strict path or the one 401 every route answers (and which says whether a credential was sent). */
export async function requireAuthentication(c: Context<AppEnv>): Promise<AuthContext> {
  const key = personalKey(c);
  if (key) {
    const auth = await authenticatePersonalKey(c, key);
    if (!auth) throw unauthorized("API key expired or revoked");
    return auth;
  }
  const presented = await presentedCredential(c);
  const auth = presented ? await checkStrict(c, presented) : null;
  if (!presented || !auth)
    throw anyCredential(c) ? unauthorized("Session expired or revoked") : unauthorized();
  await maintainAccessCookie(c, presented, auth);
  return auth;
}

/** Route middleware, the strict path: sets `c.var.auth` (the user row) and `c.var.caller`. */
export const requireUser = createMiddleware<AppEnv>(async (c, next) => {
  const auth = await requireAuthentication(c);
  c.set("auth", auth);
  if (auth.apiKey) assertApiKeyMayCall(auth.apiKey, c.var.requiredScope);
  const caller: Caller = { user: snapshotOf(auth.user), sessionId: auth.sessionId, via: "session" };
  c.set("caller", caller);
  enforcePasswordChange(c, caller.user);
  // The password first: the second-factor gate applies once no password change is pending.
  if (
    !auth.user.mustChangePassword &&
    !ALLOWED_BEFORE_MFA_ENROLMENT.has(`${c.req.method} ${c.req.path}`) &&
    mustEnrollSecondFactor(auth.user, readConfig(c.env))
  ) {
    throw new AppError(
      "mfa_enrollment_required",
      "Set up a second factor first (POST /api/v1/users/me/mfa/totp)",
    );
  }
  await next();
});

/**
 * Route middleware for reads that can be answered from the access token alone: a valid access
 * token sets only `c.var.caller` (no storage); otherwise, and always in AUTH_MODE=strict or on a
 * write, the strict path (`requireUser`). Handlers behind it read `c.var.caller`, never `c.var.auth`.
 */
export const requireReader = createMiddleware<AppEnv>(async (c, next) => {
  if (isSafeMethod(c) && readConfig(c.env).authMode === "access-token") {
    const presented = await presentedAccessToken(c);
    if (presented?.claims) {
      c.set("caller", { user: presented.claims.user, sessionId: presented.sessionId, via: "access-token" });
      enforcePasswordChange(c, presented.claims.user);
      await next();
      return;
    }
  }
  await requireUser(c, next);
});

/** requireUser, then the role as it is in D1 right now. */
export const requireAdmin = createMiddleware<AppEnv>(async (c, next) => {
  await requireUser(c, async () => {
    if (c.var.auth.user.role !== "admin") throw forbidden("Administrator role required");
    await next();
  });
});

/**
 * The caller's session, for routes that act on it (sessions, identities, fresh proof). API keys
 * never reach them (requireUser refuses a key on a route that declares no scope); this narrows
 * the type and refuses, should one ever get here.
 */
export function callerSession(c: Context<AppEnv>): { sessionId: string; session: SessionRecord } {
  const { sessionId, session } = c.var.auth;
  if (sessionId === null || session === null) {
    throw new AppError("insufficient_scope", "This route needs a signed-in session, not an API key");
  }
  return { sessionId, session };
}
