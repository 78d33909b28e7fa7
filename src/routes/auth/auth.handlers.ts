import { AppError } from "../../core/errors";
import { readConfig } from "../../core/settings";
import { verifyLocalLogin } from "../../domain/local-login";
import { changePassword } from "../../domain/passwords/change-password";
import type { AppRouteHandler } from "../../http/app-env";
import { issueSession } from "../../http/issue-session";
import { auditBase, clientIp, requestOrigin } from "../../http/request-context";
import { toSessionWire } from "../../http/schemas/user";
import { clearAccessCookie, clearSessionCookie } from "../../http/session-cookie";
import { deleteSession, restampSession } from "../../storage/sessions";
import type { loginLocal, logout, updatePassword } from "./auth.routes";

/** Per-client throttle (Rate Limiting binding, per location), checked before any hashing. */
async function throttle(limiter: RateLimit, key: string): Promise<void> {
  const { success } = await limiter.limit({ key });
  if (!success) {
    throw new AppError("rate_limited", "Too many attempts from this client; slow down", {
      "Retry-After": "60",
    });
  }
}

export const loginLocalHandler: AppRouteHandler<typeof loginLocal> = async (c) => {
  const { username, password } = c.req.valid("json");
  const config = readConfig(c.env);
  await throttle(c.env.LOGIN_LIMITER, `login:${clientIp(c) ?? "unknown"}`);
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
  await deleteSession(c.var.kv, user.id, sessionId);
  clearSessionCookie(c);
  clearAccessCookie(c);
  return c.json({ ok: true as const }, 200);
};

export const updatePasswordHandler: AppRouteHandler<typeof updatePassword> = async (c) => {
  const { current_password, new_password } = c.req.valid("json");
  const { user, sessionId, session } = c.var.auth;
  await throttle(c.env.LOGIN_LIMITER, `password:${user.id}`);
  await changePassword(c.var.db, readConfig(c.env), {
    user,
    currentPassword: current_password,
    newPassword: new_password,
    audit: auditBase(c),
  });
  // The epoch bump ended every session in D1's eyes; keep this one by re-stamping it.
  await restampSession(
    c.var.kv,
    sessionId,
    session,
    user.sessionEpoch + 1,
    readConfig(c.env).sessionIdleSeconds,
  );
  return c.json({ ok: true as const }, 200);
};
