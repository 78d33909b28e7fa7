import { and, eq, isNull, sql } from "drizzle-orm";
import type { Database } from "../db/client";
import { groups, type UserRow, users } from "../db/schema";

/** All reads and writes of the `users` table go through this module. */

export type UserWithGroup = UserRow & { group: { id: string; name: string } };

const byUsername = (username: string) => sql`lower(${users.username}) = lower(${username})`;

export async function findUserWithGroupById(db: Database, id: string): Promise<UserWithGroup | null> {
  const row = await db
    .select({ user: users, group: { id: groups.id, name: groups.name } })
    .from(users)
    .innerJoin(groups, eq(groups.id, users.groupId))
    .where(eq(users.id, id))
    .get();
  return row ? { ...row.user, group: row.group } : null;
}

export async function findUserWithGroupByUsername(
  db: Database,
  username: string,
): Promise<UserWithGroup | null> {
  const row = await db
    .select({ user: users, group: { id: groups.id, name: groups.name } })
    .from(users)
    .innerJoin(groups, eq(groups.id, users.groupId))
    .where(byUsername(username))
    .get();
  return row ? { ...row.user, group: row.group } : null;
}

export async function findUserById(db: Database, id: string): Promise<UserRow | null> {
  return (await db.select().from(users).where(eq(users.id, id)).get()) ?? null;
}

export async function hasActiveAdmin(db: Database): Promise<boolean> {
  const row = await db
    .select({ id: users.id })
    .from(users)
    .where(and(eq(users.role, "admin"), eq(users.status, "ACTIVE"), isNull(users.deletedAt)))
    .limit(1)
    .get();
  return row !== undefined;
}

export type NewUser = typeof users.$inferInsert;

/** Insert that does nothing when the username is taken (case-insensitively); returns the row or null. */
export async function insertUserIfUsernameFree(db: Database, user: NewUser): Promise<UserRow | null> {
  const rows = await db.insert(users).values(user).onConflictDoNothing().returning();
  return rows[0] ?? null;
}

export const nowIso = () => new Date().toISOString();

/** Statements (not executed) so callers can put them in one batch with an audit entry. */
export const userStatements = {
  recordLoginSuccess: (db: Database, id: string, newHash?: string) =>
    db
      .update(users)
      .set({
        failedAttempts: 0,
        lockedUntil: null,
        lastLoginAt: nowIso(),
        ...(newHash ? { passwordHash: newHash } : {}),
      })
      .where(eq(users.id, id)),
  recordLoginFailure: (db: Database, id: string, failedAttempts: number, lockedUntil: string | null) =>
    db.update(users).set({ failedAttempts, lockedUntil }).where(eq(users.id, id)),
  /** Sets a new password and bumps the epoch so every existing session ends. */
  setPassword: (db: Database, id: string, passwordHash: string, mustChangePassword = false) =>
    db
      .update(users)
      .set({
        passwordHash,
        mustChangePassword,
        passwordChangedAt: nowIso(),
        updatedAt: nowIso(),
        sessionEpoch: sql`${users.sessionEpoch} + 1`,
      })
      .where(eq(users.id, id)),
  updateProfile: (db: Database, id: string, fields: Partial<Pick<UserRow, ProfileField>>) =>
    db
      .update(users)
      .set({ ...fields, updatedAt: nowIso() })
      .where(eq(users.id, id)),
};

export const PROFILE_FIELDS = ["displayName", "email", "avatarUrl", "bio", "timezone", "locale"] as const;
export type ProfileField = (typeof PROFILE_FIELDS)[number];
