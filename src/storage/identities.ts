import { and, asc, eq, type SQL, sql } from "drizzle-orm";
import { nowIso } from "../core/time";
import type { Database } from "../db/client";
import { auditLog, identities, users } from "../db/schema";
import type { AuditEntry } from "./audit";

/** Reads and writes of `identities`: provider accounts linked by (issuer, subject) only. */

export type IdentityRow = typeof identities.$inferSelect;

const firstIdentity = async (db: Database, where: SQL | undefined): Promise<IdentityRow | null> =>
  (await db.select().from(identities).where(where).get()) ?? null;

export const findIdentity = (db: Database, issuer: string, subject: string) =>
  firstIdentity(db, and(eq(identities.issuer, issuer), eq(identities.subject, subject)));

/** One of the user's identities by its id, or null (also when it belongs to someone else). */
export const findUserIdentity = (db: Database, userId: string, identityId: string) =>
  firstIdentity(db, and(eq(identities.id, identityId), eq(identities.userId, userId)));

/** The user's identities, oldest first. */
export function listIdentitiesOfUser(db: Database, userId: string): Promise<IdentityRow[]> {
  return db
    .select()
    .from(identities)
    .where(eq(identities.userId, userId))
    .orderBy(asc(identities.createdAt), asc(identities.id))
    .all();
}

/**
 * The identity exists for the user and removing it leaves a way in: a local password or another
 * identity. Evaluated inside each statement, so two concurrent removals of a password-less user's
 * last two identities cannot both apply (D1 serialises writes).
 */
const removable = (userId: string, identityId: string): SQL =>
  sql`(EXISTS (SELECT 1 FROM ${identities} WHERE ${identities.id} = ${identityId} AND ${identities.userId} = ${userId})
  AND (EXISTS (SELECT 1 FROM ${users} WHERE ${users.id} = ${userId} AND ${users.passwordHash} IS NOT NULL)
    OR (SELECT count(*) FROM ${identities} WHERE ${identities.userId} = ${userId} AND ${identities.id} != ${identityId}) >= 1))`;

/** The user exists and is not deleted (guards removals that ride along a guarded user change). */
const liveUser = (userId: string): SQL =>
  sql`EXISTS (SELECT 1 FROM ${users} WHERE ${users.id} = ${userId} AND ${users.deletedAt} IS NULL)`;

export const identityStatements = {
  insert: (db: Database, row: typeof identities.$inferInsert) => db.insert(identities).values(row),
  touch: (db: Database, id: string, email: string | null, emailVerified: boolean) =>
    db.update(identities).set({ email, emailVerified, lastUsedAt: nowIso() }).where(eq(identities.id, id)),
  /** Ends every session of the user, if the identity is removable (runs before the removal). */
  endSessionsIfRemovable: (db: Database, userId: string, identityId: string) =>
    db
      .update(users)
      .set({ sessionEpoch: sql`${users.sessionEpoch} + 1`, updatedAt: nowIso() })
      .where(and(eq(users.id, userId), removable(userId, identityId))),
  /** Removes the identity if that leaves the user a way in; returns the removed id (or nothing). */
  removeIfRemovable: (db: Database, userId: string, identityId: string) =>
    db
      .delete(identities)
      .where(and(eq(identities.id, identityId), removable(userId, identityId)))
      .returning({ id: identities.id }),
  /**
   * One audit entry per identity of a (live) user, naming its issuer and subject: written just
   * before `removeAllOfUser` in the same batch, so the log lists exactly what was removed.
   */
  auditRemovalOfAll: (db: Database, userId: string, entry: AuditEntry) =>
    db.insert(auditLog).select(
      sql`SELECT NULL, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), ${entry.actorId}, ${entry.targetType ?? null},
        ${entry.targetId ?? null}, ${entry.action},
        json_object('identity_id', ${identities.id}, 'issuer', ${identities.issuer}, 'subject', ${identities.subject}),
        ${entry.requestId}, ${entry.clientRequestId ?? null}, ${entry.ip}
        FROM ${identities} WHERE ${identities.userId} = ${userId} AND ${liveUser(userId)}`,
    ),
  removeAllOfUser: (db: Database, userId: string) =>
    db.delete(identities).where(and(eq(identities.userId, userId), liveUser(userId))),
};
