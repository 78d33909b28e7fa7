import type { UserRow } from "../../db/schema";

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
