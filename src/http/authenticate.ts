import { createMiddleware } from "hono/factory";
import { AppError, forbidden, unauthorized } from "../core/errors";
import { parseToken, readSession } from "../storage/sessions";
import { authUserQuery, toUserWithGroup } from "../storage/users";
import type { AppEnv } from "./app-env";
import { readSessionToken } from "./session-cookie";

/**
 * Authenticates with the session token (Bearer header or cookie): one KV read for the session,
 * one D1 read for the user, every request. The user row is the truth for status, role, deletion
 * and the session epoch, so disabling, demotion and "end all sessions" apply at once everywhere.
 * The X-User-ID header of the original API is ignored: it is a claim, not a credential.
 */
export const requireUser = createMiddleware<AppEnv>(async (c, next) => {
  const token = readSessionToken(c);
  if (!token) throw unauthorized();
  const parsed = await parseToken(token);
  if (!parsed) throw unauthorized("Session expired or revoked");
  const session = await readSession(c.var.kv, parsed);
  if (!session || Date.parse(session.expiresAt) <= Date.now())
    throw unauthorized("Session expired or revoked");
  const row = await authUserQuery(c.var.primaryDb, session.userId).get();
  const user = toUserWithGroup(row);
  if (
    !user ||
    user.id !== parsed.userId ||
    user.deletedAt ||
    user.status !== "ACTIVE" ||
    user.sessionEpoch !== session.epoch
  ) {
    throw unauthorized("Session expired or revoked");
  }
  const preferences = {
    overrides: row?.preferences ?? null,
    version: row?.preferencesVersion ?? 0,
    apiKeys: row?.apiKeys ?? "[]",
  };
  c.set("auth", { user, sessionId: parsed.id, session, preferences });
  if (user.mustChangePassword && !ALLOWED_BEFORE_PASSWORD_CHANGE.has(`${c.req.method} ${c.req.path}`)) {
    throw new AppError("password_change_required", "Change your password first (PUT /api/v1/users/password)");
  }
  await next();
});

/**
 * A user whose password was set by an administrator (reset, or created with
 * require_password_change) may only see who they are, change the password, or sign out.
 */
const ALLOWED_BEFORE_PASSWORD_CHANGE = new Set([
  "GET /api/v1/users/me",
  "PUT /api/v1/users/password",
  "POST /api/v1/users/logout",
]);

/** requireUser, then the role as it is in D1 right now. */
export const requireAdmin = createMiddleware<AppEnv>(async (c, next) => {
  await requireUser(c, async () => {
    if (c.var.auth.user.role !== "admin") throw forbidden("Administrator role required");
    await next();
  });
});
