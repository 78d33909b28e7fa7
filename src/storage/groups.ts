import { count, eq, inArray, sql } from "drizzle-orm";
import { foldKey } from "../core/text";
import { nowIso } from "../core/time";
import type { Database } from "../db/client";
import { groups, UNGROUPED_GROUP_ID, users } from "../db/schema";

/** All reads and writes of the `groups` table. */

export async function listGroupsWithMemberCounts(db: Database) {
  return db
    .select({ group: groups, memberCount: count(users.id) })
    .from(groups)
    .leftJoin(users, sql`${users.groupId} = ${groups.id} AND ${users.deletedAt} IS NULL`)
    .groupBy(groups.id)
    .orderBy(groups.name)
    .all();
}

export async function findGroup(db: Database, id: string) {
  return (await db.select().from(groups).where(eq(groups.id, id)).get()) ?? null;
}

/** Those of `ids` that name a group. */
export async function existingGroupIds(db: Database, ids: string[]): Promise<string[]> {
  const rows = await db.select({ id: groups.id }).from(groups).where(inArray(groups.id, ids)).all();
  return rows.map((r) => r.id);
}

export async function findGroupPolicy(db: Database, id: string): Promise<string> {
  const row = await db.select({ policy: groups.policy }).from(groups).where(eq(groups.id, id)).get();
  return row?.policy ?? "{}";
}

export async function countMembers(db: Database, id: string): Promise<number> {
  const row = await db
    .select({ n: count() })
    .from(users)
    .where(sql`${users.groupId} = ${id} AND ${users.deletedAt} IS NULL`)
    .get();
  return row?.n ?? 0;
}

export const groupStatements = {
  insert: (db: Database, group: Omit<typeof groups.$inferInsert, "nameKey">) =>
    db.insert(groups).values({ ...group, nameKey: foldKey(group.name) }),
  update: (
    db: Database,
    id: string,
    fields: Partial<Pick<typeof groups.$inferInsert, "name" | "description" | "policy">>,
  ) =>
    db
      .update(groups)
      .set({ ...fields, ...(fields.name ? { nameKey: foldKey(fields.name) } : {}), updatedAt: nowIso() })
      .where(eq(groups.id, id)),
  /** Members (including soft-deleted users, who still need a valid group) move to `ungrouped`. */
  moveMembersToUngrouped: (db: Database, id: string) =>
    db.update(users).set({ groupId: UNGROUPED_GROUP_ID, updatedAt: nowIso() }).where(eq(users.groupId, id)),
  delete: (db: Database, id: string) => db.delete(groups).where(eq(groups.id, id)),
};
