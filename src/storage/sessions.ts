import { randomToken, sha256Hex } from "../core/crypto";
import type { KvStore } from "../platform/metered-kv";

/**
 * Sessions live in KV under `session:<userId>:<sha256(secret)>` (docs/storage-schema.md).
 * The token handed out is `<userId>.<secret>`: the user id locates the key, the 256-bit secret
 * is only ever stored hashed, so a KV dump yields no usable token. Keeping the user id in the
 * key lets an administrator list or end a user's sessions with one prefix list, and sign-in
 * costs a single KV write.
 */
const keyPrefix = (userId: string) => `session:${userId}:`;
const sessionKey = (userId: string, id: string) => `${keyPrefix(userId)}${id}`;

const TOKEN_PATTERN = /^([0-9a-f-]{36})\.([A-Za-z0-9_-]{43})$/;

export interface IssuedSession {
  token: string;
  id: string;
  record: SessionRecord;
}

export interface ParsedToken {
  userId: string;
  id: string;
}

/** What KV holds under `session:<userId>:<sha256(secret)>` (docs/storage-schema.md). */
export interface SessionRecord {
  userId: string;
  /** The user's session_epoch when issued; a later bump in D1 ends this session everywhere. */
  epoch: number;
  createdAt: string;
  expiresAt: string;
  method: "local" | "oidc" | "passkey";
  ip: string | null;
  userAgent: string | null;
  /**
   * When the user last proved who they are in this session (Unix seconds, like OIDC `auth_time`):
   * at sign-in and at each re-authentication. Step-up checks it. Absent in sessions issued before
   * it existed: read as `createdAt`.
   */
  authTime?: number;
  /** How (RFC 8176 values: pwd, otp, mfa, hwk …), as of `authTime`. */
  amr?: string[];
}

/** Null for anything that is not a token we could have issued; no storage is touched. */
export async function parseToken(token: string): Promise<ParsedToken | null> {
  const match = TOKEN_PATTERN.exec(token);
  if (!match?.[1] || !match[2]) return null;
  return { userId: match[1], id: await sha256Hex(match[2]) };
}

export interface NewSession {
  userId: string;
  epoch: number;
  method: SessionRecord["method"];
  ip: string | null;
  userAgent: string | null;
  ttlSeconds: number;
  amr: string[];
}

export function buildSessionRecord(input: NewSession): SessionRecord {
  const now = Date.now();
  return {
    userId: input.userId,
    epoch: input.epoch,
    createdAt: new Date(now).toISOString(),
    expiresAt: new Date(now + input.ttlSeconds * 1000).toISOString(),
    method: input.method,
    ip: input.ip,
    userAgent: input.userAgent?.slice(0, 256) ?? null,
    authTime: Math.floor(now / 1000),
    amr: input.amr,
  };
}

async function writeSession(kv: KvStore, id: string, record: SessionRecord): Promise<void> {
  const ttl = Math.max(60, Math.ceil((Date.parse(record.expiresAt) - Date.now()) / 1000));
  await kv.put(sessionKey(record.userId, id), JSON.stringify(record), {
    expirationTtl: ttl,
    metadata: {
      createdAt: record.createdAt,
      expiresAt: record.expiresAt,
      method: record.method,
      ip: record.ip,
    },
  });
}

export async function createSession(kv: KvStore, input: NewSession): Promise<IssuedSession> {
  const secret = randomToken();
  const token = `${input.userId}.${secret}`;
  const id = await sha256Hex(secret);
  const record = buildSessionRecord(input);
  await writeSession(kv, id, record);
  return { token, id, record };
}

/** Re-stamps an existing session with a new epoch (after a password change keeps the caller in). */
export async function restampSession(kv: KvStore, id: string, record: SessionRecord, epoch: number) {
  await writeSession(kv, id, { ...record, epoch });
}

/** A re-authentication: the session now records a fresh `authTime` and how it was proven. */
export async function refreshSessionAuthentication(
  kv: KvStore,
  id: string,
  record: SessionRecord,
  amr: string[],
) {
  const refreshed = { ...record, authTime: Math.floor(Date.now() / 1000), amr };
  await writeSession(kv, id, refreshed);
  return refreshed;
}

export async function readSession(kv: KvStore, parsed: ParsedToken): Promise<SessionRecord | null> {
  return kv.getJson<SessionRecord>(sessionKey(parsed.userId, parsed.id));
}

export async function deleteSession(kv: KvStore, userId: string, id: string): Promise<void> {
  await kv.delete(sessionKey(userId, id));
}

export interface SessionSummary {
  id: string;
  createdAt: string | null;
  expiresAt: string | null;
  method: string | null;
  ip: string | null;
}

function metadataField(metadata: unknown, field: string): string | null {
  if (typeof metadata !== "object" || metadata === null || !(field in metadata)) return null;
  const value: unknown = Reflect.get(metadata, field);
  return typeof value === "string" ? value : null;
}

/** KV list is eventually consistent: a session created seconds ago elsewhere may be missing. */
export async function listUserSessions(kv: KvStore, userId: string): Promise<SessionSummary[]> {
  const prefix = keyPrefix(userId);
  const sessions: SessionSummary[] = [];
  let cursor: string | undefined;
  do {
    const page = await kv.list({ prefix, cursor });
    for (const key of page.keys) {
      sessions.push({
        id: key.name.slice(prefix.length),
        createdAt: metadataField(key.metadata, "createdAt"),
        expiresAt: metadataField(key.metadata, "expiresAt"),
        method: metadataField(key.metadata, "method"),
        ip: metadataField(key.metadata, "ip"),
      });
    }
    cursor = page.list_complete ? undefined : page.cursor;
  } while (cursor);
  return sessions;
}

/**
 * Deletes the user's session keys, optionally keeping one (the caller's own). Callers that need
 * the revocation to hold everywhere at once also bump the user's session_epoch in D1.
 */
export async function deleteUserSessions(kv: KvStore, userId: string, keepId?: string): Promise<number> {
  const doomed = (await listUserSessions(kv, userId)).filter((s) => s.id !== keepId);
  await Promise.all(doomed.map((s) => deleteSession(kv, userId, s.id)));
  return doomed.length;
}
