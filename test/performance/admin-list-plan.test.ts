import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { listUsersQueries, type UserListFilters } from "../../src/storage/users";
import { db, seedManyUsers, userCount } from "../seed";

/**
 * With 100,000 users the admin list must stay one indexed query per page: no full scan of
 * `users` and no temporary sort, except substring search (a documented trade-off: LIKE '%x%'
 * cannot use a B-tree index; FTS5 would, at the cost of a second table kept in sync).
 */
beforeAll(async () => {
  await seedManyUsers(100_000);
  await env.DB.prepare("ANALYZE").run();
});

const base: UserListFilters = {
  page: 3,
  perPage: 50,
  sortBy: "created_at",
  sortOrder: "desc",
  includeDeleted: false,
};

async function plan(filters: UserListFilters) {
  const { page } = listUsersQueries(db, filters);
  const { sql, params } = page.toSQL();
  const { results } = await env.DB.prepare(`EXPLAIN QUERY PLAN ${sql}`)
    .bind(...params)
    .all();
  return z
    .array(z.object({ detail: z.string() }))
    .parse(results)
    .map((r) => r.detail);
}

describe("admin list query plans with 100,000 users", () => {
  it("has the users", async () => {
    expect(await userCount()).toBeGreaterThanOrEqual(100_000);
  });

  const usersAccess = (detail: string[]) => detail.filter((d) => /^(SCAN|SEARCH) users\b/.test(d));

  it.each<[string, Partial<UserListFilters>]>([
    ["default sort (created_at desc)", {}],
    ["created_at asc", { sortOrder: "asc" }],
    ["username", { sortBy: "username" }],
    ["last_login_at", { sortBy: "last_login_at" }],
  ])("sorting by %s walks an index, no temporary sort", async (_label, filters) => {
    const detail = await plan({ ...base, ...filters });
    expect(usersAccess(detail).every((d) => /USING (COVERING )?INDEX/.test(d))).toBe(true);
    expect(detail.join("\n")).not.toMatch(/TEMP B-TREE/);
  });

  it.each<[string, Partial<UserListFilters>]>([
    ["role", { role: "admin" }],
    ["status, sorted by username", { status: "DISABLED", sortBy: "username" }],
    ["group", { groupId: "ungrouped" }],
    ["role and status", { role: "admin", status: "ACTIVE" }],
  ])("filtering by %s uses an index, never a full scan", async (_label, filters) => {
    const detail = await plan({ ...base, ...filters });
    const access = usersAccess(detail);
    expect(access.length).toBeGreaterThan(0);
    expect(access.every((d) => /USING (COVERING )?INDEX/.test(d))).toBe(true);
  });

  it("substring search scans (documented trade-off) but still sorts by index", async () => {
    const detail = await plan({ ...base, search: "user0001" });
    expect(detail.join("\n")).not.toMatch(/TEMP B-TREE/);
  });
});
