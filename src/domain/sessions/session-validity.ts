import type { UserRow } from "../../db/schema";
import type { SessionRecord } from "../../storage/sessions";

/**
 * The one rule for whether a user may hold a session issued under `epoch`: the account exists,
 * is not deleted, is active, and its session epoch has not moved on since (password change,
 * reset, disable, "end all sessions" bump it). Used by authentication, the one-time sign-in code
 * exchange and OIDC provisioning, so none of them can drift from the others.
 */
export function canHoldSession(
  user: Pick<UserRow, "deletedAt" | "status" | "sessionEpoch"> | null,
  epoch?: number,
): boolean {
  if (!user || user.deletedAt || user.status !== "ACTIVE") return false;
  return epoch === undefined || user.sessionEpoch === epoch;
}

/** The idle end of a session: its last renewal (or creation) plus the idle timeout. */
const lastSeen = (record: SessionRecord) => Date.parse(record.lastSeenAt ?? record.createdAt);

/** Within both its absolute lifetime and its idle timeout. */
export function sessionIsLive(record: SessionRecord, idleSeconds: number, now = Date.now()): boolean {
  return now < Date.parse(record.expiresAt) && now < lastSeen(record) + idleSeconds * 1000;
}

/**
 * Renew at most once per interval (a tenth of the idle timeout, at most 5 minutes), so an active
 * session costs one KV write per interval, not one per request; the effective idle timeout is
 * therefore between `idle - interval` and `idle`. No renewal when it would not move the key's
 * expiry (the absolute end is nearer than the idle end).
 */
export function renewalDue(record: SessionRecord, idleSeconds: number, now = Date.now()): boolean {
  const interval = Math.min(300, Math.floor(idleSeconds / 10)) * 1000;
  if (now - lastSeen(record) < interval) return false;
  return lastSeen(record) + idleSeconds * 1000 < Date.parse(record.expiresAt);
}
