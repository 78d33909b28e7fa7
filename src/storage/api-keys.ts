import { and, desc, eq, isNull, lt, or, sql } from "drizzle-orm";
import type { Database } from "../db/client";
import { apiKeys, serviceAccounts, users } from "../db/schema";

/**
 * Reads and writes of `api_keys`: our own API keys (personal and service-account), stored only as
 * the SHA-256 of the token. Not the provider keys (those are `user_api_keys`, storage/user-api-keys.ts).
 */

export type NewApiKey = typeof apiKeys.$inferInsert;

/** The key row with what decides whether its owner may use it now, read together in one statement. */
export function apiKeyByHashQuery(db: Database, hash: string) {
  return db
    .select({
      key: apiKeys,
      userEpoch: sql<
        number | null
      >`(SELECT ${users.sessionEpoch} FROM ${users} WHERE ${users.id} = ${apiKeys.userId})`.as("user_epoch"),
      serviceName: sql<
        string | null
      >`(SELECT ${serviceAccounts.name} FROM ${serviceAccounts} WHERE ${serviceAccounts.id} = ${apiKeys.serviceAccountId} AND ${serviceAccounts.deletedAt} IS NULL)`.as(
        "service_name",
      ),
      serviceGroupIds: sql<
        string | null
      >`(SELECT ${serviceAccounts.groupIds} FROM ${serviceAccounts} WHERE ${serviceAccounts.id} = ${apiKeys.serviceAccountId})`.as(
        "service_group_ids",
      ),
    })
    .from(apiKeys)
    .where(eq(apiKeys.hash, hash));
}

/**
 * The id of the user a key (by hash) belongs to, as a subquery: lets the owner's auth read
 * (`authUserQuery`) go in the same D1 batch as `apiKeyByHashQuery`, one round trip for both.
 */
export const keyOwnerIdByHash = (hash: string) =>
  sql`(SELECT ${apiKeys.userId} FROM ${apiKeys} WHERE ${apiKeys.hash} = ${hash})`;

/**
 * Inserts the key only while its owner has fewer than `max` active keys: the count and the insert are
 * one statement, so two concurrent creations cannot both pass the limit. Returns the inserted id(s).
 */
export function insertApiKeyWithinLimitStatement(db: Database, row: NewApiKey & { id: string }, max: number) {
  const owner = row.userId
    ? sql`${apiKeys.userId} = ${row.userId}`
    : sql`${apiKeys.serviceAccountId} = ${row.serviceAccountId ?? null}`;
  return db.insert(apiKeys).select(
    sql`SELECT ${row.id}, ${row.hash}, ${row.prefix}, ${row.name}, ${row.scopes}, ${row.userId ?? null},
      ${row.serviceAccountId ?? null}, ${row.ownerEpoch ?? 0}, ${row.createdBy ?? null},
      strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), ${row.expiresAt ?? null}, NULL, NULL
      WHERE (SELECT count(*) FROM ${apiKeys} WHERE ${owner} AND ${apiKeys.revokedAt} IS NULL
        AND (${apiKeys.expiresAt} IS NULL OR ${apiKeys.expiresAt} > strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))) < ${max}`,
  );
}

export function apiKeyByIdQuery(db: Database, id: string) {
  return db.select().from(apiKeys).where(eq(apiKeys.id, id));
}

export type ApiKeyOwner = { userId: string } | { serviceAccountId: string };

const ownedBy = (owner: ApiKeyOwner) =>
  "userId" in owner ? eq(apiKeys.userId, owner.userId) : eq(apiKeys.serviceAccountId, owner.serviceAccountId);

/** The owner's keys that are not revoked (expired ones included, marked by `expires_at`), newest first. */
export function listApiKeys(db: Database, owner: ApiKeyOwner) {
  return db
    .select()
    .from(apiKeys)
    .where(and(ownedBy(owner), isNull(apiKeys.revokedAt)))
    .orderBy(desc(apiKeys.createdAt), desc(apiKeys.id))
    .limit(200)
    .all();
}

/** Revokes one key of this owner (a no-op when it is someone else's or already revoked). */
export function revokeApiKeyStatement(db: Database, owner: ApiKeyOwner, id: string, at: string) {
  return db
    .update(apiKeys)
    .set({ revokedAt: at })
    .where(and(eq(apiKeys.id, id), ownedBy(owner), isNull(apiKeys.revokedAt)))
    .returning({ id: apiKeys.id });
}

/** Revokes every active key of a service account (when it is deleted). */
export function revokeServiceAccountKeysStatement(db: Database, serviceAccountId: string, at: string) {
  return db
    .update(apiKeys)
    .set({ revokedAt: at })
    .where(and(eq(apiKeys.serviceAccountId, serviceAccountId), isNull(apiKeys.revokedAt)));
}

/** Records a use, unless one was recorded after `staleBefore` (so at most one write per interval). */
export function touchApiKeyStatement(db: Database, id: string, at: string, staleBefore: string) {
  return db
    .update(apiKeys)
    .set({ lastUsedAt: at })
    .where(and(eq(apiKeys.id, id), or(isNull(apiKeys.lastUsedAt), lt(apiKeys.lastUsedAt, staleBefore))));
}
