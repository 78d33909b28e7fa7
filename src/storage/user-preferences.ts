import { sql } from "drizzle-orm";
import { nowIso } from "../core/time";
import type { Database } from "../db/client";
import { userPreferences } from "../db/schema";

/** Reads and writes of `user_preferences` (overrides without secrets, and the ETag version). */

/** Writes the overrides, bumping the version (the ETag). */
export function upsertPreferencesStatement(db: Database, userId: string, overrides: string) {
  return db
    .insert(userPreferences)
    .values({ userId, overrides, version: 1, updatedAt: nowIso() })
    .onConflictDoUpdate({
      target: userPreferences.userId,
      set: { overrides, version: sql`${userPreferences.version} + 1`, updatedAt: nowIso() },
    })
    .returning({ version: userPreferences.version });
}

export const STALE_VERSION_MARKER = "NOT NULL constraint failed: user_preferences.user_id";

/**
 * D1 has no interactive transactions, so If-Match is enforced inside the batch: this statement
 * inserts an invalid row (NULL primary key) exactly when the stored version is not the expected
 * one, which fails the whole batch — every write in it is rolled back. Callers map the failure
 * (STALE_VERSION_MARKER) to 412. With no expectation it is a no-op.
 */
export function assertVersionStatement(db: Database, userId: string, expectedVersion: number | undefined) {
  const current = sql`(SELECT ${userPreferences.version} FROM ${userPreferences} WHERE ${userPreferences.userId} = ${userId})`;
  const matches = expectedVersion === undefined ? sql`1` : sql`coalesce(${current}, 0) = ${expectedVersion}`;
  return db.insert(userPreferences).select(sql`SELECT NULL, '{}', 0, '' WHERE NOT (${matches})`);
}
