import { and, eq } from "drizzle-orm";
import { nowIso } from "../core/time";
import type { Database } from "../db/client";
import { userPasskeys } from "../db/schema";

/** All reads and writes of `user_passkeys`. */
export type PasskeyRow = typeof userPasskeys.$inferSelect;
export type NewPasskey = typeof userPasskeys.$inferInsert;

export async function findUserPasskeys(db: Database, userId: string): Promise<PasskeyRow[]> {
  return db
    .select()
    .from(userPasskeys)
    .where(eq(userPasskeys.userId, userId))
    .orderBy(userPasskeys.createdAt);
}

export async function findPasskeyByCredentialId(
  db: Database,
  credentialId: string,
): Promise<PasskeyRow | null> {
  return (
    (await db.select().from(userPasskeys).where(eq(userPasskeys.credentialId, credentialId)).get()) ?? null
  );
}

export const passkeyStatements = {
  /** Does nothing when the credential id is registered already (to anyone). */
  insert: (db: Database, passkey: NewPasskey) =>
    db.insert(userPasskeys).values(passkey).onConflictDoNothing().returning({ id: userPasskeys.id }),
  remove: (db: Database, userId: string, id: string) =>
    db
      .delete(userPasskeys)
      .where(and(eq(userPasskeys.userId, userId), eq(userPasskeys.id, id)))
      .returning({ id: userPasskeys.id }),
  /** Renames one of the user's passkeys (another user's id changes nothing); returns the row. */
  rename: (db: Database, userId: string, id: string, name: string) =>
    db
      .update(userPasskeys)
      .set({ name })
      .where(and(eq(userPasskeys.userId, userId), eq(userPasskeys.id, id)))
      .returning(),
  removeAll: (db: Database, userId: string) => db.delete(userPasskeys).where(eq(userPasskeys.userId, userId)),
  /**
   * Records a use: applies only while the stored counter is still the one the caller checked
   * against, so two parallel assertions with the same counter cannot both pass.
   */
  recordUse: (db: Database, id: string, expectedCount: number, signCount: number, backedUp: boolean) =>
    db
      .update(userPasskeys)
      .set({ signCount, backedUp, lastUsedAt: nowIso() })
      .where(and(eq(userPasskeys.id, id), eq(userPasskeys.signCount, expectedCount)))
      .returning({ id: userPasskeys.id }),
};
