import { randomToken, sha256Hex } from "../core/crypto";
import type { KvStore } from "../platform/metered-kv";

/**
 * A sign-in waiting for its second factor, in KV under `mfa-login:<sha256(challenge)>`
 * (docs/storage-schema.md), TTL 300 s. Only someone who passed the first factor holds the
 * challenge; it grants nothing by itself. Deleted when the sign-in finishes; a replay of a used
 * challenge elsewhere within KV's propagation bound still needs a fresh code, and codes are
 * single-use in D1.
 */
export const MFA_CHALLENGE_TTL_SECONDS = 300;

export interface MfaChallengeRecord {
  userId: string;
  /** The session epoch when the first factor passed: a later bump (reset, disable) voids it. */
  epoch: number;
  method: "local" | "oidc";
  /** How the first factor was proven (RFC 8176 values), carried into the session's `amr`. */
  amr: string[];
  createdAt: string;
  /** OIDC only: where the finished sign-in should land (validated when the flow started). */
  frontendUri: string | null;
}

const CHALLENGE_PATTERN = /^[A-Za-z0-9_-]{43}$/;
const keyFor = async (challenge: string) => `mfa-login:${await sha256Hex(challenge)}`;

export async function createMfaChallenge(kv: KvStore, record: MfaChallengeRecord): Promise<string> {
  const challenge = randomToken();
  await kv.put(await keyFor(challenge), JSON.stringify(record), { expirationTtl: MFA_CHALLENGE_TTL_SECONDS });
  return challenge;
}

/** The pending sign-in, or null for anything unknown, malformed or expired. */
export async function readMfaChallenge(kv: KvStore, challenge: string): Promise<MfaChallengeRecord | null> {
  if (!CHALLENGE_PATTERN.test(challenge)) return null;
  const record = await kv.getJson<MfaChallengeRecord>(await keyFor(challenge));
  if (!record || Date.parse(record.createdAt) + MFA_CHALLENGE_TTL_SECONDS * 1000 <= Date.now()) return null;
  return record;
}

export async function deleteMfaChallenge(kv: KvStore, challenge: string): Promise<void> {
  await kv.delete(await keyFor(challenge));
}
