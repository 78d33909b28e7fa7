import type { Context } from "hono";
import { setSessionCookie } from "../domain/sessions/session-cookie";
import { createSession, type IssuedSession } from "../domain/sessions/session-store";
import type { SessionRecord } from "../domain/sessions/session-types";
import type { UserWithGroup } from "../storage/users";
import { readConfig } from "./config";
import { clientIp } from "./request-context";
import type { AppEnv } from "./types";

/**
 * Every sign-in path (local, OIDC callback, one-time code exchange) ends here: one session in
 * KV with the configured lifetime, and the cookie unless the client asked for a token only.
 */
export async function issueSession(
  c: Context<AppEnv>,
  user: UserWithGroup,
  method: SessionRecord["method"],
  options: { cookie: boolean },
): Promise<IssuedSession> {
  const ttlSeconds = readConfig(c.env).sessionTtlSeconds;
  const session = await createSession(c.var.kv, {
    userId: user.id,
    epoch: user.sessionEpoch,
    method,
    ip: clientIp(c),
    userAgent: c.req.header("user-agent") ?? null,
    ttlSeconds,
  });
  if (options.cookie) setSessionCookie(c, session.token, ttlSeconds);
  c.header("Cache-Control", "no-store");
  return session;
}
