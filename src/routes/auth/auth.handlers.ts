import { readConfig } from "../../core/settings";
import { verifyLocalLogin } from "../../domain/local-login";
import { changePassword } from "../../domain/passwords/change-password";
import type { AppRouteHandler } from "../../http/app-env";
import { issueSession, proofNow } from "../../http/issue-session";
import { throttle } from "../../http/rate-limit";
import { auditBase, clientKey, requestOrigin } from "../../http/request-context";
import { toSessionWire } from "../../http/schemas/user";
import { clearAccessCookie, clearSessionCookie } from "../../http/session-cookie";
import { deleteSession, restampSession } from "../../storage/sessions";
import type { loginLocal, logout, updatePassword } from "./auth.routes";

const SLOW_DOWN = "Too many attempts from this client; slow down";

export const loginLocalHandler: AppRouteHandler<typeof loginLocal> = async (c) => {
  const { username, password } = c.req.valid("json");
  const config = readConfig(c.env);
  // Per client (an IPv6 client is its /64), checked before any hashing.
  await throttle(c.env.LOGIN_LIMITER, `login:${clientKey(c)}`, SLOW_DOWN);
  const user = await verifyLocalLogin(c.var.db, c.var.kv, config, {
    username,
    password,
    origin: requestOrigin(c),
  });
  const session = await issueSession(c, user, "local", { cookie: true });
  return c.json(toSessionWire(user, session), 200);
};

export const logoutHandler: AppRouteHandler<typeof logout> = async (c) => {
  const { user, sessionId } = c.var.auth;
  if (sessionId) await deleteSession(c.var.kv, user.id, sessionId);
  clearSessionCookie(c);
  clearAccessCookie(c);
  return c.json({ ok: true as const }, 200);
};

export const updatePasswordHandler: AppRouteHandler<typeof updatePassword> = async (c) => {
  const { current_password, new_password } = c.req.valid("json");
  const { user, sessionId, session } = c.var.auth;
  await throttle(c.env.LOGIN_LIMITER, `password:${user.id}`, SLOW_DOWN);
  await changePassword(c.var.db, readConfig(c.env), {
    user,
    currentPassword: current_password,
    newPassword: new_password,
    audit: auditBase(c),
  });
  // The epoch bump ended every session in D1's eyes; keep this one by re-stamping it. The current
  // password was just proved, which counts as a fresh proof (http/recent-authentication.ts).
  if (sessionId && session) {
    const idle = readConfig(c.env).sessionIdleSeconds;
    await restampSession(c.var.kv, sessionId, session, user.sessionEpoch + 1, idle, proofNow("local"));
  }
  return c.json({ ok: true as const }, 200);
};
