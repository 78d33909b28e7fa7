import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { readGroup } from "../seed";

const MasterRows = z.array(
  z.strictObject({ type: z.string(), name: z.string(), tbl_name: z.string(), sql: z.string().nullable() }),
);

async function schemaOf(db: D1Database) {
  const { results } = await db
    .prepare(
      "SELECT type, name, tbl_name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' AND name NOT LIKE '_cf_%' AND name != 'd1_migrations' ORDER BY type, name",
    )
    .all();
  return MasterRows.parse(results);
}

describe("schema.sql", () => {
  it("produces exactly the schema the drizzle migrations produce", async () => {
    await env.SCHEMA_CHECK_DB.batch(
      env.TEST_SCHEMA_SQL.map((statement) => env.SCHEMA_CHECK_DB.prepare(statement)),
    );
    const fromSchemaSql = await schemaOf(env.SCHEMA_CHECK_DB);
    const fromMigrations = await schemaOf(env.DB);
    expect(fromSchemaSql.length).toBeGreaterThan(5);
    expect(fromSchemaSql).toEqual(fromMigrations);
  });

  it("the migrations seed the reserved ungrouped group", async () => {
    expect(await readGroup("ungrouped")).toMatchObject({ name: "ungrouped" });
  });
});
