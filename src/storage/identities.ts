import { and, eq } from "drizzle-orm";
import { nowIso } from "../core/time";
import type { Database } from "../db/client";
import { identities } from "../db/schema";

/** Reads and writes of `identities`: provider accounts linked by (issuer, subject) only. */

export async function findIdentity(db: Database, issuer: string, subject: string) {
  return (
    (await db
      .select()
      .from(identities)
      .where(and(eq(identities.issuer, issuer), eq(identities.subject, subject)))
      .get()) ?? null
  );
}

export const identityStatements = {
  insert: (db: Database, row: typeof identities.$inferInsert) => db.insert(identities).values(row),
  touch: (db: Database, id: string, email: string | null, emailVerified: boolean) =>
    db.update(identities).set({ email, emailVerified, lastUsedAt: nowIso() }).where(eq(identities.id, id)),
};
