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
  /** Absolute end: renewal never moves it. */
  expiresAt: string;
  /** Last renewal (at most once per interval, docs/access-tokens.md); absent on older records. */
  lastSeenAt?: string;
  method: "local" | "oidc" | "passkey";
  ip: string | null;
  userAgent: string | null;
  /**
   * When and how the user last proved who they are in this session (sign-in, password change, a
   * second factor): what `requireRecentAuthentication` (http/recent-authentication.ts) reads.
   * Absent in records written before it existed; their `createdAt` is their sign-in time.
   */
  authTime?: string;
  /** How (RFC 8176 values where they fit): `pwd` for a password, `oidc` for the provider. */
  amr?: string[];
}

/** How a sign-in by `method` proved who the user is, when a record says nothing more (RFC 8176). */
export const defaultAmr = (method: SessionRecord["method"]): string[] =>
  method === "local" ? ["pwd"] : method === "passkey" ? ["hwk"] : ["oidc"];

/** A proof of who the user is: when, and by which methods. */
export interface AuthenticationProof {
  authTime: string;
  amr: string[];
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
  proof: AuthenticationProof;
  /** Idle timeout: the KV key expires this long after the last renewal (or the absolute end). */
  idleSeconds: number;
}

export function buildSessionRecord(input: NewSession): SessionRecord {
  const now = Date.now();
  return {
    userId: input.userId,
    epoch: input.epoch,
    createdAt: new Date(now).toISOString(),
    expiresAt: new Date(now + input.ttlSeconds * 1000).toISOString(),
    lastSeenAt: new Date(now).toISOString(),
    method: input.method,
    ip: input.ip,
    userAgent: input.userAgent?.slice(0, 256) ?? null,
    authTime: input.proof.authTime,
    amr: input.proof.amr,
  };
}

/**
 * The key expires at the earlier of the absolute end and the idle end (KV's minimum TTL is 60 s;
 * the record's own times are checked on every read, so the key may outlive them).
 */
async function writeSession(kv: KvStore, id: string, record: SessionRecord, idleSeconds: number) {
  const now = Date.now();
  const end = Math.min(Date.parse(record.expiresAt), now + idleSeconds * 1000);
  await kv.put(sessionKey(record.userId, id), JSON.stringify(record), {
    expirationTtl: Math.max(60, Math.ceil((end - now) / 1000)),
    metadata: {
      createdAt: record.createdAt,
      expiresAt: record.expiresAt,
      lastSeenAt: record.lastSeenAt ?? record.createdAt,
      method: record.method,
      ip: record.ip,
      userAgent: record.userAgent,
    },
  });
}

export async function createSession(kv: KvStore, input: NewSession): Promise<IssuedSession> {
  const secret = randomToken();
  const token = `${input.userId}.${secret}`;
  const id = await sha256Hex(secret);
  const record = buildSessionRecord(input);
  await writeSession(kv, id, record, input.idleSeconds);
  return { token, id, record };
}

/**
 * Re-stamps an existing session with a new epoch (after a password change keeps the caller in),
 * and with a new proof when the change itself proved who the user is.
 */
export async function restampSession(
  kv: KvStore,
  id: string,
  record: SessionRecord,
  epoch: number,
  idleSeconds: number,
  proof?: AuthenticationProof,
) {
  await writeSession(
    kv,
    id,
    { ...record, epoch, ...proof, lastSeenAt: new Date().toISOString() },
    idleSeconds,
  );
}

/**
 * Records activity: `lastSeenAt` now, the key's expiry moved to the idle end (capped by the
 * absolute end). Callers renew at most once per interval (domain/sessions/session-validity.ts).
 * KV has no compare-and-set: a renewal that races a logout of the same session by milliseconds
 * can write the record back (docs/access-tokens.md, "Known limits").
 */
export async function renewSession(kv: KvStore, id: string, record: SessionRecord, idleSeconds: number) {
  const renewed = { ...record, lastSeenAt: new Date().toISOString() };
  await writeSession(kv, id, renewed, idleSeconds);
  return renewed;
}

/** A re-authentication: the session now records a fresh `authTime` and how it was proven. */
export async function refreshSessionAuthentication(
  kv: KvStore,
  id: string,
  record: SessionRecord,
  amr: string[],
  idleSeconds: number,
) {
  const refreshed = { ...record, authTime: new Date().toISOString(), amr };
  await writeSession(kv, id, refreshed, idleSeconds);
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
  lastSeenAt: string | null;
  method: string | null;
  ip: string | null;
  /** Absent (null) for sessions issued before the user agent was kept in the key's metadata. */
  userAgent: string | null;
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
        lastSeenAt: metadataField(key.metadata, "lastSeenAt") ?? metadataField(key.metadata, "createdAt"),
        method: metadataField(key.metadata, "method"),
        ip: metadataField(key.metadata, "ip"),
        userAgent: metadataField(key.metadata, "userAgent"),
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
