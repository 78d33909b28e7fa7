// The long fuzz run: the same test file as `npm test` (test/fuzz), with many more runs per
// operation and caller and no time budget. FUZZ_RUNS (default 100) and FUZZ_SEED pass through;
// extra arguments go to vitest, e.g. `npm run fuzz -- -t "admin/groups"`.
import { spawnSync } from "node:child_process";

const env = { ...process.env, FUZZ_RUNS: process.env.FUZZ_RUNS || "100" };
console.log(
  `fuzz: ${env.FUZZ_RUNS} runs per operation and caller${env.FUZZ_SEED ? `, seed ${env.FUZZ_SEED}` : ""}`,
);
const result = spawnSync("npx", ["vitest", "run", "test/fuzz", ...process.argv.slice(2)], {
  stdio: "inherit",
  env,
});
process.exit(result.status ?? 1);
