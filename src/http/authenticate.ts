import type { Context } from "hono";
import { createMiddleware } from "hono/factory";
import { AppError, forbidden, unauthorized } from "../core/errors";
import { canHoldSession } from "../domain/sessions/session-validity";
import { parseToken, readSession, type SessionRecord } from "../storage/sessions";
import { authUserQuery, toUserWithGroup } from "../storage/users";
import type { AppEnv, AuthContext } from "./app-env";
import { assertApiKeyMayCall, authenticatePersonalKey } from "./credentials/api-key";
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
  if (token?.startsWith("eu_")) return authenticatePersonalKey(c, token);
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
 * require_password_change) may only see who they are, change the password, or sign out.
 */
const ALLOWED_BEFORE_PASSWORD_CHANGE = new Set([
  "GET /api/v1/users/me",
  "PUT /api/v1/users/password",
  "POST /api/v1/users/logout",
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
  if (auth.apiKey) assertApiKeyMayCall(auth.apiKey, c.var.requiredScope);
  if (auth.user.mustChangePassword && !ALLOWED_BEFORE_PASSWORD_CHANGE.has(`${c.req.method} ${c.req.path}`)) {
    throw new AppError("password_change_required", "Change your password first (PUT /api/v1/users/password)");
  }
  await next();
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
