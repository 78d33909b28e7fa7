import type { Context } from "hono";
import { readConfig } from "../core/settings";
import type { AuthenticationProof, SessionRecord } from "../storage/sessions";
import { createSession, defaultAmr, type IssuedSession } from "../storage/sessions";
import type { UserWithGroup } from "../storage/users";
import { setFreshAccessCookie } from "./access-tokens";
import type { AppEnv } from "./app-env";
import { snapshotOf } from "./authenticate";
import { clientIp } from "./request-context";
import { setSessionCookie } from "./session-cookie";

/** The proof a sign-in that just happened gives: now, by its method. */
export const proofNow = (method: SessionRecord["method"]): AuthenticationProof => ({
  authTime: new Date().toISOString(),
  amr: defaultAmr(method),
});

/**
 * Every sign-in path (local, OIDC callback, one-time code exchange) ends here: one session in
 * KV with the configured lifetime, and the cookies (session, and the short-lived access cookie in
 * access-token mode) unless the client asked for a token only. The session records when and how
 * the user proved who they are (`proof`, default: now, by `method`).
 */
export async function issueSession(
  c: Context<AppEnv>,
  user: UserWithGroup,
  method: SessionRecord["method"],
  options: { cookie: boolean; proof?: AuthenticationProof; amr?: string[] },
): Promise<IssuedSession> {
  const config = readConfig(c.env);
  const ttlSeconds = config.sessionTtlSeconds;
  const session = await createSession(c.var.kv, {
    userId: user.id,
    epoch: user.sessionEpoch,
    method,
    ip: clientIp(c),
    userAgent: c.req.header("user-agent") ?? null,
    ttlSeconds,
    // How the user proved who they are (RFC 8176 values); by default the sign-in method, now.
    proof:
      options.proof ??
      (options.amr ? { authTime: new Date().toISOString(), amr: options.amr } : proofNow(method)),
    idleSeconds: config.sessionIdleSeconds,
  });
  if (options.cookie) {
    setSessionCookie(c, session.token, ttlSeconds);
    await setFreshAccessCookie(c, { user: snapshotOf(user), sessionId: session.id, session: session.record });
  }
  c.header("Cache-Control", "no-store");
  c.set("signedIn", true);
  return session;
}
