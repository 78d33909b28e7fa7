import type { Context } from "hono";
import { readConfig } from "../core/settings";
import type { SessionRecord } from "../storage/sessions";
import { createSession, type IssuedSession } from "../storage/sessions";
import type { UserWithGroup } from "../storage/users";
import type { AppEnv } from "./app-env";
import { clientIp } from "./request-context";
import { setSessionCookie } from "./session-cookie";

/**
 * Every sign-in path (local, OIDC callback, one-time code exchange) ends here: one session in
 * KV with the configured lifetime, and the cookie unless the client asked for a token only.
 */
export async function issueSession(
  c: Context<AppEnv>,
  user: UserWithGroup,
  method: SessionRecord["method"],
  options: { cookie: boolean; amr?: string[] },
): Promise<IssuedSession> {
  const ttlSeconds = readConfig(c.env).sessionTtlSeconds;
  const session = await createSession(c.var.kv, {
    userId: user.id,
    epoch: user.sessionEpoch,
    method,
    ip: clientIp(c),
    userAgent: c.req.header("user-agent") ?? null,
    ttlSeconds,
    // How the user proved who they are (RFC 8176); a provider sign-in records `ext` unless told more.
    amr: options.amr ?? (method === "local" ? ["pwd"] : ["ext"]),
  });
  if (options.cookie) setSessionCookie(c, session.token, ttlSeconds);
  c.header("Cache-Control", "no-store");
  return session;
}
