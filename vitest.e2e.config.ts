import { defineConfig } from "vitest/config";

/** End-to-end tests in Node: a real oidc-provider and the Worker under `wrangler dev`. */
export default defineConfig({
  test: {
    include: ["test/e2e/**/*.e2e.ts"],
    environment: "node",
    testTimeout: 120_000,
    hookTimeout: 180_000,
    fileParallelism: false,
  },
});
