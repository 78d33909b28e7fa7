import { and, eq, type SQL, sql } from "drizzle-orm";
import type { BatchItem } from "drizzle-orm/batch";
import { AppError, notFound } from "../core/errors";
import { nowIso } from "../core/time";
import type { Database } from "../db/client";
import { users } from "../db/schema";
import { type AuditEntry, auditIfChangedStatement } from "./audit";
import { isForeignKeyViolation } from "./constraint-errors";
import { toUserWithGroup, type UserWithGroup, userWithGroupQuery } from "./users";

type UserChange = Partial<Omit<typeof users.$inferInsert, "id" | "sessionEpoch">>;

/**
 * The last-administrator invariant, as one SQL condition evaluated inside the UPDATE itself:
 * the change applies only if the target is not an active administrator, or another active
 * administrator remains. D1 runs each statement atomically and serialises writes, so two
 * administrators demoting each other at once cannot both succeed.
 */
const leavesAnotherActiveAdmin = sql`(NOT (${users.role} = 'admin' AND ${users.status} = 'ACTIVE' AND ${users.deletedAt} IS NULL)
  OR (SELECT count(*) FROM users AS other WHERE other.role = 'admin' AND other.status = 'ACTIVE'
      AND other.deleted_at IS NULL AND other.id != ${users.id}) >= 1)`;

export interface GuardedChange {
  userId: string;
  set: UserChange;
  /** True when the change can take administrator power away (demote, disable, lock, delete). */
  removesAdmin: boolean;
  /** Bump session_epoch so every session of the user ends everywhere at once. */
  endSessions: boolean;
  /** Soft-deleted users can only be touched by changes that say so. */
  allowDeleted?: boolean;
  audit: AuditEntry;
  /** More writes for the same batch, after the update; each must guard itself (it runs regardless). */
  alsoRun?: BatchItem<"sqlite">[];
}

/**
 * One D1 batch: the guarded update, its audit entry (written only if the update applied) and the
 * user as it now is, for the response.
 */
export async function applyGuardedUserChange(db: Database, change: GuardedChange): Promise<UserWithGroup> {
  const conditions: SQL[] = [eq(users.id, change.userId)];
  if (!change.allowDeleted) conditions.push(sql`${users.deletedAt} IS NULL`);
  if (change.removesAdmin) conditions.push(leavesAnotherActiveAdmin);
  const update = db
    .update(users)
    .set({
      ...change.set,
      updatedAt: nowIso(),
      ...(change.endSessions ? { sessionEpoch: sql`${users.sessionEpoch} + 1` } : {}),
    })
    .where(and(...conditions))
    .returning({ id: users.id });
  const [applied, , after] = await db
    .batch([
      update,
      auditIfChangedStatement(db, change.audit),
      userWithGroupQuery(db, change.userId),
      ...(change.alsoRun ?? []),
    ])
    .catch((error: unknown) => {
      // The group named in the change was deleted between the caller's check and this batch.
      if (isForeignKeyViolation(error)) throw notFound("Group");
      throw error;
    });
  const current = toUserWithGroup(after[0]);
  if (current && applied.length > 0) return current;
  if (!current || (current.deletedAt && !change.allowDeleted)) throw notFound("User");
  throw new AppError("last_admin", "This change would leave no active administrator");
}
