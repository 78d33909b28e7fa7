import { sha256Hex } from "../core/crypto";
import type { KvStore } from "../platform/metered-kv";

/**
 * Failure counters for usernames that do not exist (or cannot sign in with a password), in KV
 * under `login-fail:<sha256(lower(username))>`. They make an unknown username lock exactly like a
 * real one, so lockout does not reveal which usernames exist. KV's eventual consistency and its
 * one-write-per-second-per-key limit make this approximate across locations; a failed write is
 * ignored (the per-address throttle still applies).
 */
export interface FailureRecord {
  failures: number;
  lockedUntil: string | null;
}

const RECORD_TTL_SECONDS = 24 * 60 * 60;

async function keyFor(username: string): Promise<string> {
  return `login-fail:${await sha256Hex(username.trim().toLowerCase())}`;
}

export async function readUnknownFailures(kv: KvStore, username: string): Promise<FailureRecord> {
  return (await kv.getJson<FailureRecord>(await keyFor(username))) ?? { failures: 0, lockedUntil: null };
}

export async function writeUnknownFailures(
  kv: KvStore,
  username: string,
  record: FailureRecord,
): Promise<void> {
  try {
    await kv.put(await keyFor(username), JSON.stringify(record), { expirationTtl: RECORD_TTL_SECONDS });
  } catch {
    // Rate-limited by KV (1 write/s per key): the counter misses one increment, nothing more.
  }
}
