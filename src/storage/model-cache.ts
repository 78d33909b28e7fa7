import { sha256Hex } from "../core/crypto";
import type { KvStore } from "../platform/metered-kv";

/**
 * Live model lists are cached in KV for 10 minutes under `models:<sha256(user:section:provider)>`:
 * keyed per user (lists depend on the user's key) but never by the key itself. A preference write
 * naming a provider deletes that provider's entry, so a new key or base URL is seen at once locally.
 */
export const MODEL_CACHE_TTL_SECONDS = 600;

export async function modelCacheKey(userId: string, section: string, provider: string): Promise<string> {
  return `models:${await sha256Hex(`${userId}:${section}:${provider}`)}`;
}

export async function forgetModelCache(
  kv: KvStore,
  userId: string,
  entries: { section: string; provider: string }[],
): Promise<void> {
  const keys = await Promise.all(entries.map((e) => modelCacheKey(userId, e.section, e.provider)));
  await Promise.all(keys.map((key) => kv.delete(key)));
}
