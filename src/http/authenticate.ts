import type { Context } from "hono";
import { createMiddleware } from "hono/factory";
import { AppError, forbidden, unauthorized } from "../core/errors";
import { readConfig } from "../core/settings";
import { mustEnrollSecondFactor } from "../domain/mfa/mfa-requirement";
import { canHoldSession } from "../domain/sessions/session-validity";
import { parseToken, readSession, type SessionRecord } from "../storage/sessions";
import { authUserQuery, toUserWithGroup } from "../storage/users";
import type { AppEnv, AuthContext } from "./app-env";
import { readSessionToken } from "./session-cookie";

/**
 * The one authentication path: whether this request carries a valid session, and whose. Token
 * (Bearer header or cookie) → KV record → expiry → the user row read from the D1 primary →
 * status, deletion and session epoch. The user row is the truth, so disabling, demotion and
 * "end all sessions" apply at once everywhere. Null when any step fails; never throws for a bad
 * credential. The X-User-ID header of the original API is ignored: it is a claim, not a credential.
 */
export async function authenticate(c: Context<AppEnv>): Promise<AuthContext | null> {
  const token = readSessionToken(c);
  const parsed = token ? await parseToken(token) : null;
  if (!parsed) return null;
  // The token names the user, so the KV record and the user row are read at once: a location
  // far from the D1 primary pays one round trip, not two in sequence.
  const [session, row] = await Promise.all([
    readSession(c.var.kv, parsed),
    authUserQuery(c.var.primaryDb, parsed.userId).get(),
  ]);
  if (!session || Date.parse(session.expiresAt) <= Date.now()) return null;
  const user = toUserWithGroup(row);
  if (!user || user.id !== session.userId || !canHoldSession(user, session.epoch)) return null;
  const preferences = {
    overrides: row?.preferences ?? null,
    version: row?.preferencesVersion ?? 0,
    apiKeys: row?.apiKeys ?? "[]",
  };
  return { user, sessionId: parsed.id, session, preferences };
}

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
]);

/** `authenticate`, or the one 401 every path answers (and which says whether a token was sent). */
export async function requireAuthentication(c: Context<AppEnv>): Promise<AuthContext> {
  const auth = await authenticate(c);
  if (!auth) throw readSessionToken(c) ? unauthorized("Session expired or revoked") : unauthorized();
  return auth;
}

/** Route middleware: `requireAuthentication`; sets `c.var.auth`. */
export const requireUser = createMiddleware<AppEnv>(async (c, next) => {
  const auth = await requireAuthentication(c);
  c.set("auth", auth);
  const route = `${c.req.method} ${c.req.path}`;
  if (auth.user.mustChangePassword) {
    // The password first: the second-factor gate applies once no password change is pending.
    if (!ALLOWED_BEFORE_PASSWORD_CHANGE.has(route)) {
      throw new AppError(
        "password_change_required",
        "Change your password first (PUT /api/v1/users/password)",
      );
    }
  } else if (
    !ALLOWED_BEFORE_MFA_ENROLMENT.has(route) &&
    mustEnrollSecondFactor(auth.user, readConfig(c.env))
  ) {
    throw new AppError(
      "mfa_enrollment_required",
      "Set up a second factor first (POST /api/v1/users/me/mfa/totp)",
    );
  }
  await next();
});

/** When the session last proved who the user is (Unix seconds); older sessions: their creation. */
export function authenticatedAt(session: SessionRecord): number {
  return session.authTime ?? Math.floor(Date.parse(session.createdAt) / 1000);
}

/**
 * Step-up: a sensitive action needs an authentication at most `maxAgeSeconds` old on this session,
 * else 401 `reauthentication_required` (the frontend asks again, POST /users/me/reauthenticate).
 */
export function requireRecentAuthentication(c: Context<AppEnv>, maxAgeSeconds: number): void {
  const age = Math.floor(Date.now() / 1000) - authenticatedAt(c.var.auth.session);
  if (age > maxAgeSeconds) {
    throw new AppError(
      "reauthentication_required",
      "Confirm it is you (POST /api/v1/users/me/reauthenticate), then try again",
    );
  }
}

/** `requireRecentAuthentication` with the deployment's window (STEP_UP_MAX_AGE_SECONDS). */
export const requireStepUp = (c: Context<AppEnv>) =>
  requireRecentAuthentication(c, readConfig(c.env).stepUpMaxAgeSeconds);

/** requireUser, then the role as it is in D1 right now. */
export const requireAdmin = createMiddleware<AppEnv>(async (c, next) => {
  await requireUser(c, async () => {
    if (c.var.auth.user.role !== "admin") throw forbidden("Administrator role required");
    await next();
  });
});
