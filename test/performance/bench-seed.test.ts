import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { BENCH_PASSWORD, seedSql } from "../../bench/seed.mjs";
import { login } from "../helpers";

/**
 * `npm run bench` and `npm run soak` seed D1 with bench/seed.mjs's SQL; a migration that adds a
 * required column must not leave them unable to start (0005's groups.name_key once did).
 */
describe("the benchmark seed", () => {
  it("applies to the migrated schema, and its users sign in with the bench password", async () => {
    const statements = seedSql({ users: 4, groups: 2, admins: 1 })
      .split("\n")
      .filter((line) => line.trim() !== "");
    await env.DB.batch(statements.map((sql) => env.DB.prepare(sql)));
    const res = await login("bench2", BENCH_PASSWORD);
    expect(res.status).toBe(200);
  });
});
