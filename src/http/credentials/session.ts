import type { Context } from "hono";
import { parseToken } from "../../storage/sessions";
import type { AppEnv } from "../app-env";
import { readSessionToken } from "../session-cookie";
import type { PresentedCredential } from "./presented";

/**
 * Credential kind 2: the opaque session token, as `Authorization: Bearer <token>` or the session
 * cookie. Parsing touches no storage; the strict check reads the KV record and the user row.
 */
export async function presentedSession(c: Context<AppEnv>): Promise<PresentedCredential | null> {
  const token = readSessionToken(c);
  const parsed = token ? await parseToken(token) : null;
  if (!parsed) return null;
  return {
    kind: "session",
    userId: parsed.userId,
    sessionId: parsed.id,
    epoch: null,
    claims: null,
    fromCookie: c.req.header("authorization") === undefined,
  };
}
