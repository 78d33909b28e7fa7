import { randomToken, sha256Hex } from "../../core/crypto";

/**
 * Our API keys as tokens: `eu_pk_` (a user's personal key) or `eu_sk_` (a service account's key)
 * followed by 32 random bytes in base64url (43 characters). The fixed prefixes let secret scanners
 * recognise a leaked key; only the SHA-256 of the whole token is stored (256 random bits need no
 * slow hash). Lists show `prefix`: the kind and the first 8 secret characters.
 */
export const PERSONAL_KEY_PREFIX = "eu_pk_";
export const SERVICE_KEY_PREFIX = "eu_sk_";

const TOKEN_PATTERN = /^eu_(pk|sk)_[A-Za-z0-9_-]{43}$/;

/** The scopes a personal key may hold; a session has all of them. */
export const USER_SCOPES = [
  "profile:read",
  "preferences:read",
  "preferences:write",
  "credentials:mint",
] as const;
/** The scopes a service-account key may hold. */
export const SERVICE_SCOPES = ["config:resolve", "credentials:mint"] as const;
export type UserScope = (typeof USER_SCOPES)[number];
export type ServiceScope = (typeof SERVICE_SCOPES)[number];
export type Scope = UserScope | ServiceScope;

/** Most active (unrevoked, unexpired) keys one owner may hold. */
export const MAX_ACTIVE_KEYS = 25;
/** `last_used_at` is written at most once per this many milliseconds per key. */
export const LAST_USED_RESOLUTION_MS = 5 * 60 * 1000;

export interface IssuedApiKey {
  token: string;
  hash: string;
  prefix: string;
}

export async function issueApiKeyToken(kind: "personal" | "service"): Promise<IssuedApiKey> {
  const secret = randomToken(32);
  const lead = kind === "personal" ? PERSONAL_KEY_PREFIX : SERVICE_KEY_PREFIX;
  const token = `${lead}${secret}`;
  return { token, hash: await sha256Hex(token), prefix: `${lead}${secret.slice(0, 8)}` };
}

/** Which kind of API key this bearer token is shaped like; null when it is not one of ours. */
export function apiKeyKind(token: string): "personal" | "service" | null {
  const match = TOKEN_PATTERN.exec(token);
  if (!match) return null;
  return match[1] === "pk" ? "personal" : "service";
}

/**
 * The groups a service account may act in, from its `group_ids` column: null (not limited) acts for
 * every user; a stored list limits it; an unreadable list grants no group (fails closed).
 */
export const storedGroupIds = (json: string | null): string[] | null =>
  json === null ? null : storedScopes(json);

/** Whether a service account limited to `groupIds` (null: not limited) may act for a member of `groupId`. */
export const serviceMayActIn = (groupIds: string[] | null, groupId: string) =>
  groupIds === null || groupIds.includes(groupId);

/** Parses a stored scopes column (a JSON list of strings); anything unreadable grants nothing (fails closed). */
export function storedScopes(json: string): string[] {
  try {
    const value: unknown = JSON.parse(json);
    return Array.isArray(value) ? value.filter((s): s is string => typeof s === "string") : [];
  } catch {
    return [];
  }
}
