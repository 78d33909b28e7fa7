import { readFileSync } from "node:fs";
import path from "node:path";
import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-pool-workers";
import { defineConfig } from "vitest/config";

/** schema.sql split into statements, for the test that proves it equals the migrations. */
function schemaSqlStatements(): string[] {
  return readFileSync(path.join(import.meta.dirname, "schema.sql"), "utf8")
    .split(/;\s*$/m)
    .map((s) =>
      s
        .split("\n")
        .filter((line) => !line.trim().startsWith("--"))
        .join("\n")
        .trim(),
    )
    .filter(Boolean);
}

export default defineConfig(async () => {
  const migrations = await readD1Migrations(path.join(import.meta.dirname, "drizzle"));
  return {
    plugins: [
      cloudflareTest({
        wrangler: { configPath: "./wrangler.toml" },
        miniflare: {
          // Test-only bindings (typed in test/env.d.ts).
          bindings: {
            TEST_MIGRATIONS: migrations,
            TEST_SCHEMA_SQL: schemaSqlStatements(),
            BOOTSTRAP_ADMIN_USERNAME: "admin",
            BOOTSTRAP_ADMIN_PASSWORD: "bootstrap-admin-password",
            ENCRYPTION_KEY: "k1:Xo9Wq0vC2cT3m0mLkUoF1yv0m7yH1JQ7o8c9x4eXb2Q=",
            OIDC_CLIENT_SECRET: "test-client-secret",
            // A provider faked at the HTTP boundary by test/oidc/fake-idp.ts.
            OIDC_ISSUER: "https://idp.example.com",
            OIDC_CLIENT_ID: "edge-users-test",
            // test/fuzz: a fixed seed to reproduce a run, and more runs for `npm run fuzz`.
            FUZZ_SEED: process.env.FUZZ_SEED ?? "",
            FUZZ_RUNS: process.env.FUZZ_RUNS ?? "",
          },
          d1Databases: ["SCHEMA_CHECK_DB"],
        },
      }),
    ],
    test: {
      // Sign-in tests hash with production scrypt parameters (~0.2 s each); under a loaded CI
      // machine a test making 20+ attempts needs more than vitest's default 5 s.
      testTimeout: 30_000,
      setupFiles: ["./test/apply-migrations.ts"],
      include: ["test/**/*.test.ts"],
      exclude: ["test/e2e/**"],
    },
  };
});
