import { readConfig } from "../../core/settings";
import { verifyLocalLogin } from "../../domain/local-login";
import { secondFactorMethods } from "../../domain/mfa/second-factor";
import { changePassword } from "../../domain/passwords/change-password";
import type { AppRouteHandler } from "../../http/app-env";
import { issueSession, proofNow } from "../../http/issue-session";
import { throttle, throttleSignIn } from "../../http/rate-limit";
import { requireStepUp } from "../../http/recent-authentication";
import { auditBase, requestOrigin } from "../../http/request-context";
import { toSessionWire } from "../../http/schemas/user";
import { clearAccessCookie, clearSessionCookie } from "../../http/session-cookie";
import { createMfaChallenge, MFA_CHALLENGE_TTL_SECONDS } from "../../storage/mfa-challenges";
import { findSecondFactors } from "../../storage/mfa-factors";
import { deleteSession, restampSession } from "../../storage/sessions";
import type { loginLocal, logout, updatePassword } from "./auth.routes";

const SLOW_DOWN = "Too many attempts from this client; slow down";

export const loginLocalHandler: AppRouteHandler<typeof loginLocal> = async (c) => {
  const { username, password } = c.req.valid("json");
  const config = readConfig(c.env);
  // Per client (an IPv6 client is its /64), checked before any hashing.
  await throttleSignIn(c);
  const result = await verifyLocalLogin(c.var.db, c.var.kv, config, {
    username,
    password,
    origin: requestOrigin(c),
  });
  const { user } = result;
  if (result.secondFactorRequired) {
    // Only after a correct password: nothing here says whether an account exists.
    const challenge = await createMfaChallenge(c.var.kv, {
      userId: user.id,
      epoch: user.sessionEpoch,
      method: "local",
      amr: ["pwd"],
      createdAt: new Date().toISOString(),
      frontendUri: null,
    });
    c.header("Cache-Control", "no-store");
    return c.json(
      {
        mfa_required: true as const,
        methods: secondFactorMethods(await findSecondFactors(c.var.db, user.id)),
        challenge,
        expires_in: MFA_CHALLENGE_TTL_SECONDS,
      },
      200,
    );
  }
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
  requireStepUp(c);
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
