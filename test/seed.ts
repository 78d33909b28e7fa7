import { env } from "cloudflare:workers";
import { and, eq, inArray, isNull, like, max, notInArray, sql } from "drizzle-orm";
import { z } from "zod";
import { createDb } from "../src/db/client";
import {
  type ApiKeyRow,
  apiKeys,
  auditLog,
  identities,
  type UserRow,
  userApiKeys,
  userPreferences,
  userRecoveryCodes,
  users,
  userTotp,
} from "../src/db/schema";
import { meteredKv } from "../src/platform/metered-kv";
import { StorageMeter } from "../src/platform/storage-meter";
import { apiKeyByIdQuery } from "../src/storage/api-keys";
import { listAuditEntries } from "../src/storage/audit";
import { findGroup, groupStatements } from "../src/storage/groups";
import { findIdentity } from "../src/storage/identities";
import { findSecondFactors, findTotp } from "../src/storage/mfa-factors";
import { findUserPasskeys } from "../src/storage/passkeys";
import { parseToken, readSession } from "../src/storage/sessions";
import { findKey } from "../src/storage/user-api-keys";
import {
  findUserById,
  findUserWithGroupByUsername,
  insertUserIfUsernameFree,
  type NewUser,
  userStatements,
} from "../src/storage/users";

/**
 * Test data and state checks through the storage modules (drizzle over env.DB, sessions in KV),
 * and drizzle's query builder for the test-only reads and mutations no storage function offers.
 */
export const db = createDb(env.DB);
const kv = meteredKv(env.KV, new StorageMeter());

export async function insertUser(user: Omit<NewUser, "id" | "passwordChangedAt">) {
  const row = await insertUserIfUsernameFree(db, {
    id: crypto.randomUUID(),
    passwordChangedAt: new Date().toISOString(),
    ...user,
  });
  if (!row) throw new Error(`username ${user.username} is taken`);
  return row;
}

/** A new group with `policy`, and the user moved into it. */
export async function createGroupWithMember(policy: unknown, userId: string) {
  const id = crypto.randomUUID();
  await db.batch([
    groupStatements.insert(db, { id, name: `g-${id}`, policy: JSON.stringify(policy) }),
    db.update(users).set({ groupId: id }).where(eq(users.id, userId)),
  ]);
  return id;
}

type UserFields = Partial<Omit<UserRow, "id">>;

/** Forces columns of one user, e.g. `{ status: "DISABLED" }` or `{ lockedUntil: past }`. */
export async function setUser(id: string, fields: UserFields) {
  await db.update(users).set(fields).where(eq(users.id, id));
}

export async function setUserByUsername(username: string, fields: UserFields) {
  await db.update(users).set(fields).where(eq(users.username, username));
}

/**
 * `n` users made by one recursive query in D1 (a query builder has no row generator, and 100,000
 * inserts would take minutes): every 100th an admin, every 50th disabled, created a second apart,
 * two in three with a last sign-in. Columns are named through the schema.
 */
export async function seedManyUsers(n: number) {
  await db.run(sql`
    WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ${n})
    INSERT INTO ${users} (${sql.join(
      [
        users.id,
        users.username,
        users.email,
        users.role,
        users.status,
        users.createdAt,
        users.lastLoginAt,
      ].map((c) => sql.identifier(c.name)),
      sql`, `,
    )})
    SELECT printf('u%06d', i), printf('user%06d', i), printf('user%06d@example.org', i),
           CASE WHEN i % 100 = 0 THEN 'admin' ELSE 'user' END,
           CASE WHEN i % 50 = 0 THEN 'DISABLED' ELSE 'ACTIVE' END,
           strftime('%Y-%m-%dT%H:%M:%fZ', 'now', printf('-%d seconds', i)),
           CASE WHEN i % 3 = 0 THEN NULL
                ELSE strftime('%Y-%m-%dT%H:%M:%fZ', 'now', printf('-%d minutes', i)) END
    FROM n`);
}

export const userCount = () => db.$count(users);

/** Sets `role` on exactly the users `only` names, or on everyone but those `except` names. */
export async function setRoles(role: UserRow["role"], who: { only: string[] } | { except: string[] }) {
  const where = "only" in who ? inArray(users.id, who.only) : notInArray(users.id, who.except);
  await db.update(users).set({ role }).where(where);
}

/** Administrators who are active and not deleted: the ones the last-admin guard protects. */
export const activeAdminCount = () =>
  db.$count(users, and(eq(users.role, "admin"), eq(users.status, "ACTIVE"), isNull(users.deletedAt)));

/** Every user with the admin role, whatever their status. */
export const adminCount = () => db.$count(users, eq(users.role, "admin"));

export const findAdmins = () => db.select().from(users).where(eq(users.role, "admin")).all();

/** Ends all of a user's sessions the way a password change does: by bumping the session epoch. */
export async function bumpSessionEpoch(id: string) {
  await userStatements.bumpSessionEpoch(db, id);
}

export const readUser = (id: string) => findUserById(db, id);

export async function readUsers(ids: string[]) {
  return Promise.all(ids.map((id) => findUserById(db, id)));
}

/** The user an OIDC subject of the test provider is linked to. */
export async function userOfSubject(issuer: string, subject: string) {
  const identity = await findIdentity(db, issuer, subject);
  return identity ? findUserById(db, identity.userId) : null;
}

export const identityCount = (subject: string) => db.$count(identities, eq(identities.subject, subject));

export const readApiKey = (userId: string, section: string, provider: string) =>
  findKey(db, userId, section, provider);

export const apiKeyCount = (userId: string) => db.$count(userApiKeys, eq(userApiKeys.userId, userId));

export const preferencesRowCount = (userId: string) =>
  db.$count(userPreferences, eq(userPreferences.userId, userId));

/** The highest preferences version of any user (0 when none has preferences). */
export async function maxPreferencesVersion() {
  const row = await db
    .select({ v: max(userPreferences.version) })
    .from(userPreferences)
    .get();
  return row?.v ?? 0;
}

const auditDetailsSchema = z.record(z.string(), z.unknown());

/** Audit entries against a target, oldest first, details parsed; only those of `actions` if any. */
export async function auditEntries(targetId: string, ...actions: string[]) {
  const { rows } = await listAuditEntries(db, { page: 1, perPage: 500, targetId });
  return rows
    .reverse()
    .filter((row) => actions.length === 0 || actions.includes(row.action))
    .map((row) => ({ ...row, details: auditDetailsSchema.parse(JSON.parse(row.details)) }));
}

/** Audit actions recorded against a target, oldest first. */
export const auditActions = async (targetId: string) =>
  (await auditEntries(targetId)).map((entry) => entry.action);

/** The newest audit entry with this action and target, details parsed; null when there is none. */
export const lastAudit = async (action: string, targetId: string) =>
  (await auditEntries(targetId, action)).at(-1) ?? null;

/** How many audit entries match: an exact action or an action prefix, optionally against one target. */
export const auditCount = (filter: { action?: string; actionPrefix?: string; targetId?: string }) =>
  db.$count(
    auditLog,
    and(
      filter.action ? eq(auditLog.action, filter.action) : undefined,
      filter.actionPrefix ? like(auditLog.action, `${filter.actionPrefix}%`) : undefined,
      filter.targetId ? eq(auditLog.targetId, filter.targetId) : undefined,
    ),
  );

/** Our request id and the client's, as recorded on the actor's entry for `action`. */
export const auditRequestIds = (actorId: string, action: string) =>
  db
    .select({ requestId: auditLog.requestId, clientRequestId: auditLog.clientRequestId })
    .from(auditLog)
    .where(and(eq(auditLog.actorId, actorId), eq(auditLog.action, action)))
    .get();

export const readGroup = (id: string) => findGroup(db, id);

export const readUserByUsername = (username: string) => findUserWithGroupByUsername(db, username);

export const readTotp = (userId: string) => findTotp(db, userId);

/** Which second factors a user has: TOTP state, passkey count, recovery codes left and total. */
export const readSecondFactors = (userId: string) => findSecondFactors(db, userId);

export const readPasskeys = (userId: string) => findUserPasskeys(db, userId);

/** The stored hashes of a user's recovery codes. */
export async function recoveryCodeHashes(userId: string) {
  const rows = await db
    .select({ codeHash: userRecoveryCodes.codeHash })
    .from(userRecoveryCodes)
    .where(eq(userRecoveryCodes.userId, userId));
  return rows.map((r) => r.codeHash);
}

/** Lets a test use the same TOTP steps again (the stored last step is what prevents replays). */
export async function forgetUsedTotpStep(userId: string) {
  await db.update(userTotp).set({ lastUsedStep: null }).where(eq(userTotp.userId, userId));
}

/** One of our API keys (personal or service account) by id, as stored. */
export const readIssuedApiKey = async (id: string) => (await apiKeyByIdQuery(db, id).get()) ?? null;

/** Forces columns of one of our API keys, e.g. `{ expiresAt: past }`. */
export async function setIssuedApiKey(
  id: string,
  fields: Partial<Pick<ApiKeyRow, "expiresAt" | "lastUsedAt">>,
) {
  await db.update(apiKeys).set(fields).where(eq(apiKeys.id, id));
}

/** Forces columns of the provider keys of exactly the users `only` names, or of everyone but `except`. */
export async function setProviderKeys(
  who: { only: string[] } | { except: string[] },
  fields: Partial<Pick<typeof userApiKeys.$inferSelect, "baseUrl" | "checkedAt">>,
) {
  const where =
    "only" in who ? inArray(userApiKeys.userId, who.only) : notInArray(userApiKeys.userId, who.except);
  await db.update(userApiKeys).set(fields).where(where);
}

/** The KV session record a session token names (storage/sessions.ts), or null. */
export async function readSessionRecord(token: string) {
  const parsed = await parseToken(token);
  return parsed ? readSession(kv, parsed) : null;
}

/** The KV key of a token's session (the storage/sessions.ts layout). */
export async function sessionKeyOf(token: string) {
  const parsed = await parseToken(token);
  if (!parsed) throw new Error("not a session token");
  return `session:${parsed.userId}:${parsed.id}`;
}

/** The KV keys of every session of a user. */
export async function sessionKeysOf(userId: string) {
  const { keys } = await env.KV.list({ prefix: `session:${userId}:` });
  return keys.map((k) => k.name);
}

/**
 * Rewrites a stored KV record (a session, a sign-in challenge): `change` merged in, `drop` left
 * out; for states the service never writes itself, such as a record signed in long ago.
 */
export async function rewriteKvRecord(key: string, change: Record<string, unknown>, drop: string[] = []) {
  const record: unknown = await env.KV.get(key, "json");
  if (typeof record !== "object" || record === null) throw new Error(`no KV record under ${key}`);
  const kept = Object.entries(record).filter(([name]) => !drop.includes(name));
  await env.KV.put(key, JSON.stringify({ ...Object.fromEntries(kept), ...change }));
}

/** An ISO time `seconds` ago. */
export const secondsAgo = (seconds: number) => new Date(Date.now() - seconds * 1000).toISOString();
