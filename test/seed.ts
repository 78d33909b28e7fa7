import { env } from "cloudflare:workers";
import { and, asc, eq, inArray, isNull, like, max, notInArray, sql } from "drizzle-orm";
import { createDb } from "../src/db/client";
import { auditLog, identities, type UserRow, userApiKeys, userPreferences, users } from "../src/db/schema";
import { findGroup, groupStatements } from "../src/storage/groups";
import { findIdentity } from "../src/storage/identities";
import { findKey } from "../src/storage/user-api-keys";
import { findUserById, insertUserIfUsernameFree, type NewUser } from "../src/storage/users";

/**
 * Test data and state checks through the storage modules (drizzle over env.DB), and drizzle's
 * query builder for the test-only mutations no storage function offers.
 */
export const db = createDb(env.DB);

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
  await db
    .update(users)
    .set({ sessionEpoch: sql`${users.sessionEpoch} + 1` })
    .where(eq(users.id, id));
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

/** Audit actions recorded against a target, oldest first. */
export async function auditActions(targetId: string) {
  const rows = await db
    .select({ action: auditLog.action })
    .from(auditLog)
    .where(eq(auditLog.targetId, targetId))
    .orderBy(asc(auditLog.id));
  return rows.map((r) => r.action);
}

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

export async function auditDetails(action: string, targetId: string) {
  const row = await db
    .select({ details: auditLog.details })
    .from(auditLog)
    .where(and(eq(auditLog.action, action), eq(auditLog.targetId, targetId)))
    .get();
  return row?.details;
}

export const readGroup = (id: string) => findGroup(db, id);
