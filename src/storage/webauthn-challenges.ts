import type { KvStore } from "../platform/metered-kv";

/**
 * WebAuthn challenges in KV under `webauthn-challenge:<challenge>` (docs/storage-schema.md), TTL
 * 300 s, read and deleted at use (single use at this location; everywhere within KV's propagation
 * bound). Like OIDC state, each is bound to the browser that asked for it: the record holds the
 * SHA-256 of a secret kept in a short-lived HttpOnly cookie.
 */
export const WEBAUTHN_CHALLENGE_TTL_SECONDS = 300;

export interface WebauthnChallengeRecord {
  purpose: "register" | "login" | "reauthenticate";
  /** Registration and re-authentication: the signed-in user; sign-in: null (discoverable credentials). */
  userId: string | null;
  bindingHash: string;
  createdAt: string;
}

const keyFor = (challenge: string) => `webauthn-challenge:${challenge}`;

export async function saveWebauthnChallenge(kv: KvStore, challenge: string, record: WebauthnChallengeRecord) {
  await kv.put(keyFor(challenge), JSON.stringify(record), { expirationTtl: WEBAUTHN_CHALLENGE_TTL_SECONDS });
}

export async function takeWebauthnChallenge(
  kv: KvStore,
  challenge: string,
): Promise<WebauthnChallengeRecord | null> {
  if (!/^[A-Za-z0-9_-]{43}$/.test(challenge)) return null;
  const record = await kv.getJson<WebauthnChallengeRecord>(keyFor(challenge));
  if (!record) return null;
  await kv.delete(keyFor(challenge));
  if (Date.parse(record.createdAt) + WEBAUTHN_CHALLENGE_TTL_SECONDS * 1000 <= Date.now()) return null;
  return record;
}
