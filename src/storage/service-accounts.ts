import { and, asc, eq, isNull } from "drizzle-orm";
import type { Database } from "../db/client";
import { serviceAccounts } from "../db/schema";

/** Reads and writes of `service_accounts` (app backends; see docs/apps.md). */

export function insertServiceAccountStatement(db: Database, row: typeof serviceAccounts.$inferInsert) {
  return db.insert(serviceAccounts).values(row).onConflictDoNothing().returning({ id: serviceAccounts.id });
}

export function serviceAccountQuery(db: Database, id: string) {
  return db
    .select()
    .from(serviceAccounts)
    .where(and(eq(serviceAccounts.id, id), isNull(serviceAccounts.deletedAt)));
}

export function listServiceAccounts(db: Database) {
  return db
    .select()
    .from(serviceAccounts)
    .where(isNull(serviceAccounts.deletedAt))
    .orderBy(asc(serviceAccounts.createdAt), asc(serviceAccounts.id))
    .limit(500)
    .all();
}

/** Soft-deletes (the name stays taken, so audit entries naming it stay unambiguous). */
export function deleteServiceAccountStatement(db: Database, id: string, at: string) {
  return db
    .update(serviceAccounts)
    .set({ deletedAt: at })
    .where(and(eq(serviceAccounts.id, id), isNull(serviceAccounts.deletedAt)))
    .returning({ id: serviceAccounts.id });
}
