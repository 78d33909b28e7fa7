import type { D1Migration } from "@cloudflare/vitest-pool-workers";

declare global {
  namespace Cloudflare {
    interface Env {
      TEST_MIGRATIONS: D1Migration[];
      TEST_SCHEMA_SQL: string[];
      TEST_README: string;
      SCHEMA_CHECK_DB: D1Database;
      FUZZ_SEED: string;
      FUZZ_RUNS: string;
    }
  }
}
