import { readFileSync } from "node:fs";
import path from "node:path";
import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-pool-workers";
import { defineConfig } from "vitest/config";
import { unstable_readConfig } from "wrangler";

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

/**
 * wrangler.toml's `[alias]` as Vite aliases: wrangler applies it when it bundles (deploy, dev), but
 * the test pool bundles with Vite and ignores it, so the tests would run another module (e.g. the
 * full zod rather than shims/zod.ts). Exact matches only, as wrangler's: "zod" but not "zod/v4".
 */
function wranglerAliases(): { find: RegExp; replacement: string }[] {
  const config = unstable_readConfig(
    { config: path.join(import.meta.dirname, "wrangler.toml") },
    { hideWarnings: true },
  );
  const alias: Record<string, string> = config.alias ?? {};
  return Object.entries(alias).map(([name, target]) => ({
    find: new RegExp(`^${name.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}$`),
    replacement: path.resolve(import.meta.dirname, target),
  }));
}

/** The development JWK set from .dev.vars.example (public, for development and tests only). */
function developmentJwks(): string {
  const text = readFileSync(path.join(import.meta.dirname, ".dev.vars.example"), "utf8");
  const value = /^ACCESS_TOKEN_JWKS='([^']+)'$/m.exec(text)?.[1];
  if (!value) throw new Error(".dev.vars.example has no ACCESS_TOKEN_JWKS");
  return value;
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
            TEST_README: readFileSync(path.join(import.meta.dirname, "README.md"), "utf8"),
            BOOTSTRAP_ADMIN_USERNAME: "admin",
            BOOTSTRAP_ADMIN_PASSWORD: "bootstrap-admin-password",
            ENCRYPTION_KEY: "k1:Xo9Wq0vC2cT3m0mLkUoF1yv0m7yH1JQ7o8c9x4eXb2Q=",
            // The development values of .dev.vars.example (wrangler.toml's [vars] are production-safe).
            ENVIRONMENT: "development",
            FRONTEND_ORIGINS: "http://localhost:5173,http://localhost:8787",
            FRONTEND_DEFAULT_URI: "http://localhost:8787/api/v1/users/me",
            ALLOW_PRIVATE_PROVIDER_URLS: "true",
            OIDC_CLIENT_SECRET: "test-client-secret",
            ACCESS_TOKEN_JWKS: developmentJwks(),
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
    resolve: { alias: wranglerAliases() },
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
