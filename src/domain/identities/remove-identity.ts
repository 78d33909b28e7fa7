import { AppError, notFound } from "../../core/errors";
import type { Database } from "../../db/client";
import { type AuditEntry, auditIfChangedStatement } from "../../storage/audit";
import { findUserIdentity, type IdentityRow, identityStatements } from "../../storage/identities";

export interface IdentityRemoval {
  userId: string;
  identityId: string;
  /** Who and where (the action and details are set here). */
  audit: Omit<AuditEntry, "action" | "details">;
}

/**
 * Unlinks a provider identity from its user, in one batch: every session of the user ends (a
 * session signed in through that identity must not outlive the link; the caller may re-stamp its
 * own), the identity goes, and the audit log names its issuer and subject. Refused with 409 when
 * it is the user's last way to sign in (no password, no other identity), decided inside the
 * statements so concurrent removals cannot race past it.
 */
export async function removeIdentity(db: Database, removal: IdentityRemoval): Promise<IdentityRow> {
  const { userId, identityId } = removal;
  const identity = await findUserIdentity(db, userId, identityId);
  if (!identity) throw notFound("Identity");
  const [, removed] = await db.batch([
    identityStatements.endSessionsIfRemovable(db, userId, identityId),
    identityStatements.removeIfRemovable(db, userId, identityId),
    auditIfChangedStatement(db, {
      ...removal.audit,
      action: "user.identity_removed",
      details: { identity_id: identity.id, issuer: identity.issuer, subject: identity.subject },
    }),
  ]);
  if (removed.length > 0) return identity;
  if (!(await findUserIdentity(db, userId, identityId))) throw notFound("Identity");
  throw new AppError(
    "last_sign_in_method",
    "This is the account's last way to sign in: set a password or link another identity first",
  );
}
