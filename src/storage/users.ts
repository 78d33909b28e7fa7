import { and, asc, count, desc, eq, isNull, type SQL, sql } from "drizzle-orm";
import { nowIso } from "../core/time";
import type { Database } from "../db/client";
import { groups, type UserRow, userApiKeys, userPreferences, users } from "../db/schema";

/** All reads and writes of the `users` table go through this module. */

/** The user with their group's id, name and (JSON) policy: what every authenticated request loads. */
export type UserWithGroup = UserRow & { group: { id: string; name: string; policy: string } };

const byUsername = (username: string) => sql`lower(${users.username}) = lower(${username})`;

/**
 * The user with their group's name. A scalar subquery rather than a join: inside a D1 batch
 * drizzle maps rows by column name, so a join's two `id` columns would overwrite each other.
 */
const userWithGroupFields = {
  user: users,
  groupName: sql<string>`(SELECT ${groups.name} FROM ${groups} WHERE ${groups.id} = ${users.groupId})`.as(
    "group_name",
  ),
  groupPolicy: sql<string>`(SELECT ${groups.policy} FROM ${groups} WHERE ${groups.id} = ${users.groupId})`.as(
    "group_policy",
  ),
};

/** The user with their group, as a query a caller may also put in a batch. */
export function userWithGroupQuery(db: Database, id: string) {
  return db.select(userWithGroupFields).from(users).where(eq(users.id, id));
}

export function toUserWithGroup(
  row: { user: UserRow; groupName: string; groupPolicy: string } | undefined,
): UserWithGroup | null {
  return row
    ? { ...row.user, group: { id: row.user.groupId, name: row.groupName, policy: row.groupPolicy } }
    : null;
}

/** The signed-in user's preferences as loaded with the auth read (see authUserQuery). */
export interface PreferencesSnapshot {
  overrides: string | null;
  version: number;
  /** JSON array of {section, provider, last4, baseUrl, keyStatus, checkedAt, missingModel}. */
  apiKeys: string;
}

/**
 * What authentication loads: the user with group, plus the user's preference overrides, their
 * version and their API-key metadata (no ciphertext), as scalar subqueries of the same statement.
 * One D1 round trip then serves both the auth check and the preference reads.
 */
export function authUserQuery(db: Database, id: string | SQL) {
  return db
    .select({
      ...userWithGroupFields,
      preferences: sql<
        string | null
      >`(SELECT ${userPreferences.overrides} FROM ${userPreferences} WHERE ${userPreferences.userId} = ${users.id})`.as(
        "pref_overrides",
      ),
      preferencesVersion: sql<
        number | null
      >`(SELECT ${userPreferences.version} FROM ${userPreferences} WHERE ${userPreferences.userId} = ${users.id})`.as(
        "pref_version",
      ),
      apiKeys:
        sql<string>`(SELECT json_group_array(json_object('section', ${userApiKeys.section}, 'provider', ${userApiKeys.provider}, 'last4', ${userApiKeys.last4}, 'baseUrl', ${userApiKeys.baseUrl}, 'keyStatus', ${userApiKeys.keyStatus}, 'checkedAt', ${userApiKeys.checkedAt}, 'missingModel', ${userApiKeys.missingModel})) FROM ${userApiKeys} WHERE ${userApiKeys.userId} = ${users.id})`.as(
          "api_keys",
        ),
    })
    .from(users)
    .where(eq(users.id, id));
}

/** The preference part of an `authUserQuery` row (empty when the user has none). */
export function preferencesSnapshotOf(
  row: { preferences: string | null; preferencesVersion: number | null; apiKeys: string } | undefined,
): PreferencesSnapshot {
  return {
    overrides: row?.preferences ?? null,
    version: row?.preferencesVersion ?? 0,
    apiKeys: row?.apiKeys ?? "[]",
  };
}

export async function findUserWithGroupById(db: Database, id: string): Promise<UserWithGroup | null> {
  return toUserWithGroup(await userWithGroupQuery(db, id).get());
}

export async function findUserWithGroupByUsername(
  db: Database,
  username: string,
): Promise<UserWithGroup | null> {
  return toUserWithGroup(await db.select(userWithGroupFields).from(users).where(byUsername(username)).get());
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

/** The columns that setting a password writes (see domain/passwords/new-password.ts). */
export type PasswordColumns = Pick<UserRow, "passwordHash" | "passwordChangedAt" | "mustChangePassword"> & {
  passwordHash: string;
};

/** Insert that does nothing when the username is taken (case-insensitively); returns the row or null. */
export async function insertUserIfUsernameFree(db: Database, user: NewUser): Promise<UserRow | null> {
  const rows = await db.insert(users).values(user).onConflictDoNothing().returning();
  return rows[0] ?? null;
}

/** Statements (not executed) so callers can put them in one batch with an audit entry. */
export const userStatements = {
  insertIfUsernameFree: (db: Database, user: NewUser) =>
    db.insert(users).values(user).onConflictDoNothing().returning({ id: users.id }),
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
  /** Rewrites the hash in place (a rehash with stronger parameters; the password is the same). */
  upgradePasswordHash: (db: Database, id: string, hash: string) =>
    db.update(users).set({ passwordHash: hash }).where(eq(users.id, id)),
  recordLoginFailure: (db: Database, id: string, failedAttempts: number, lockedUntil: string | null) =>
    db.update(users).set({ failedAttempts, lockedUntil }).where(eq(users.id, id)),
  /**
   * Replaces the password `replacing` (the hash the caller verified) and bumps the epoch so every
   * existing session ends. Applies only while that hash is still in place, so of two concurrent
   * changes made with the same current password exactly one wins; the caller checks `changes`.
   */
  replacePassword: (db: Database, id: string, replacing: string, columns: PasswordColumns) =>
    db
      .update(users)
      .set({ ...columns, updatedAt: nowIso(), sessionEpoch: sql`${users.sessionEpoch} + 1` })
      .where(and(eq(users.id, id), eq(users.passwordHash, replacing)))
      .returning({ id: users.id }),
  /** Ends every session of the user everywhere at once; returns the new epoch. */
  bumpSessionEpoch: (db: Database, id: string) =>
    db
      .update(users)
      .set({ sessionEpoch: sql`${users.sessionEpoch} + 1` })
      .where(eq(users.id, id))
      .returning({ sessionEpoch: users.sessionEpoch }),
  updateProfile: (db: Database, id: string, fields: Partial<Pick<UserRow, ProfileField>>) =>
    db
      .update(users)
      .set({ ...fields, updatedAt: nowIso() })
      .where(eq(users.id, id)),
};

export const PROFILE_FIELDS = ["displayName", "email", "avatarUrl", "bio", "timezone", "locale"] as const;
export type ProfileField = (typeof PROFILE_FIELDS)[number];

export interface UserListFilters {
  page: number;
  perPage: number;
  search?: string;
  role?: UserRow["role"];
  groupId?: string;
  status?: UserRow["status"];
  identitySource?: UserRow["identitySource"];
  mfaEnabled?: boolean;
  sortBy: "created_at" | "username" | "last_login_at";
  sortOrder: "asc" | "desc";
  includeDeleted: boolean;
}

function listConditions(filters: UserListFilters): SQL | undefined {
  const conditions: SQL[] = [];
  if (!filters.includeDeleted) conditions.push(isNull(users.deletedAt));
  if (filters.role) conditions.push(eq(users.role, filters.role));
  if (filters.status) conditions.push(eq(users.status, filters.status));
  if (filters.groupId) conditions.push(eq(users.groupId, filters.groupId));
  if (filters.identitySource) conditions.push(eq(users.identitySource, filters.identitySource));
  if (filters.mfaEnabled !== undefined) conditions.push(eq(users.mfaEnabled, filters.mfaEnabled));
  if (filters.search) {
    // A plain substring test: LIKE patterns are capped at 50 bytes in D1 (a longer search was a 500),
    // and instr has no wildcards to escape.
    const needle = filters.search.toLowerCase();
    conditions.push(
      sql`(instr(lower(${users.username}), ${needle}) > 0 OR instr(lower(${users.email}), ${needle}) > 0 OR instr(lower(coalesce(${users.displayName}, '')), ${needle}) > 0)`,
    );
  }
  return conditions.length > 0 ? and(...conditions) : undefined;
}

const sortColumns = {
  created_at: users.createdAt,
  username: sql`lower(${users.username})`,
  last_login_at: users.lastLoginAt,
} as const;

/** The page query and the count query, built apart so tests can EXPLAIN them. */
export function listUsersQueries(db: Database, filters: UserListFilters) {
  const where = listConditions(filters);
  const direction = filters.sortOrder === "asc" ? asc : desc;
  const page = db
    .select(userWithGroupFields)
    .from(users)
    .where(where)
    // Usernames are unique, so they need no tie-breaker (and the unique index then serves alone).
    .orderBy(
      ...(filters.sortBy === "username"
        ? [direction(sortColumns.username)]
        : [direction(sortColumns[filters.sortBy]), direction(users.id)]),
    )
    .limit(filters.perPage)
    .offset((filters.page - 1) * filters.perPage);
  const total = db.select({ n: count() }).from(users).where(where);
  return { page, total };
}

/** One D1 round trip: the page and the total in one batch. */
export async function listUsers(db: Database, filters: UserListFilters) {
  const { page, total } = listUsersQueries(db, filters);
  const [rows, totals] = await db.batch([page, total]);
  return {
    users: rows.flatMap((row) => toUserWithGroup(row) ?? []),
    total: totals[0]?.n ?? 0,
  };
}
