import type { AccessTokenClaims } from "../../domain/access-tokens/access-token";

/**
 * A credential the request presents, before any storage is read: whose, which session, and — for
 * an access token — the verified claims. authenticate.ts tries the kinds in order; a new kind
 * (e.g. API keys) is one more module returning this shape.
 */
export interface PresentedCredential {
  kind: "access-token" | "session";
  userId: string;
  /** The session (KV record id) the credential belongs to. */
  sessionId: string;
  /** The session epoch the credential claims (access tokens), checked against D1 on the strict path. */
  epoch: number | null;
  /** Verified access-token claims: what a read that allows the shortcut is served from. */
  claims: AccessTokenClaims | null;
  /** Sent by a browser as a cookie (no Authorization header). */
  fromCookie: boolean;
}
