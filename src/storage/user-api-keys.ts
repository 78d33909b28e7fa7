import { and, asc, count, eq, isNull, lt, ne, or } from "drizzle-orm";
import { nowIso } from "../core/time";
import type { Database } from "../db/client";
import { userApiKeys } from "../db/schema";

/** Reads and writes of `user_api_keys`: ciphertext only, never plaintext. */

const keyRow = (userId: string, section: string, provider: string) =>
  and(eq(userApiKeys.userId, userId), eq(userApiKeys.section, section), eq(userApiKeys.provider, provider));

export function keyMetadataQuery(db: Database, userId: string) {
  return db
    .select({
      section: userApiKeys.section,
      provider: userApiKeys.provider,
      last4: userApiKeys.last4,
      baseUrl: userApiKeys.baseUrl,
      keyStatus: userApiKeys.keyStatus,
      checkedAt: userApiKeys.checkedAt,
      missingModel: userApiKeys.missingModel,
    })
    .from(userApiKeys)
    .where(eq(userApiKeys.userId, userId));
}

export async function findKey(db: Database, userId: string, section: string, provider: string) {
  const row = await db
    .select()
    .from(userApiKeys)
    .where(keyRow(userId, section, provider))
    .get();
  return row ?? null;
}

export const apiKeyStatements = {
  upsert: (db: Database, row: Omit<typeof userApiKeys.$inferInsert, "updatedAt">) =>
    db
      .insert(userApiKeys)
      .values({ ...row, updatedAt: nowIso() })
      .onConflictDoUpdate({
        target: [userApiKeys.userId, userApiKeys.section, userApiKeys.provider],
        set: {
          keyId: row.keyId,
          ciphertext: row.ciphertext,
          last4: row.last4,
          baseUrl: row.baseUrl ?? null,
          updatedAt: nowIso(),
          // A new key has not been checked yet.
          keyStatus: null,
          checkedAt: null,
          missingModel: null,
        },
      }),
  delete: (db: Database, userId: string, section: string, provider: string) =>
    db.delete(userApiKeys).where(keyRow(userId, section, provider)),
};

/** Rows encrypted under any key other than `currentKeyId`, oldest first, `limit` at a time. */
export async function keysNotUnder(db: Database, currentKeyId: string, limit: number) {
  return db
    .select()
    .from(userApiKeys)
    .where(ne(userApiKeys.keyId, currentKeyId))
    .orderBy(userApiKeys.updatedAt)
    .limit(limit)
    .all();
}

export async function countKeysNotUnder(db: Database, currentKeyId: string) {
  const row = await db
    .select({ n: count() })
    .from(userApiKeys)
    .where(ne(userApiKeys.keyId, currentKeyId))
    .get();
  return row?.n ?? 0;
}

/** Replaces one row's ciphertext, only if it still holds the ciphertext we re-encrypted. */
export function reencryptStatement(
  db: Database,
  row: { userId: string; section: string; provider: string; ciphertext: string },
  sealed: { keyId: string; ciphertext: string },
) {
  return db
    .update(userApiKeys)
    .set({ keyId: sealed.keyId, ciphertext: sealed.ciphertext })
    .where(and(keyRow(row.userId, row.section, row.provider), eq(userApiKeys.ciphertext, row.ciphertext)));
}

/**
 * Keys due for the scheduled health check: never checked first, then the longest unchecked, at
 * most `limit`. (`checked_at` is indexed; NULLs sort first.)
 */
export function keysDueForCheckQuery(db: Database, checkedBefore: string, limit: number) {
  return db
    .select({
      userId: userApiKeys.userId,
      section: userApiKeys.section,
      provider: userApiKeys.provider,
      ciphertext: userApiKeys.ciphertext,
    })
    .from(userApiKeys)
    .where(or(isNull(userApiKeys.checkedAt), lt(userApiKeys.checkedAt, checkedBefore)))
    .orderBy(asc(userApiKeys.checkedAt))
    .limit(limit);
}

export type KeyHealth = Partial<Pick<typeof userApiKeys.$inferSelect, "keyStatus" | "missingModel">> & {
  checkedAt: string;
};

/** Records a check, only if the row still holds the key that was checked (not one saved meanwhile). */
export function keyHealthStatement(
  db: Database,
  row: { userId: string; section: string; provider: string; ciphertext: string },
  health: KeyHealth,
) {
  return db
    .update(userApiKeys)
    .set(health)
    .where(and(keyRow(row.userId, row.section, row.provider), eq(userApiKeys.ciphertext, row.ciphertext)));
}
