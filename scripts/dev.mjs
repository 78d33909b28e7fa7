// `npm run dev`: everything a newcomer needs for a local service on http://localhost:8787.
// Creates .dev.vars from the example when missing, applies the D1 migrations locally, then
// starts `wrangler dev` with local D1 and KV.
import { spawn, spawnSync } from "node:child_process";
import { copyFileSync, existsSync } from "node:fs";

const run = (cmd, args) => {
  const result = spawnSync(cmd, args, { stdio: "inherit" });
  if (result.status !== 0) process.exit(result.status ?? 1);
};

if (!existsSync(".dev.vars")) {
  copyFileSync(".dev.vars.example", ".dev.vars");
  console.log("Created .dev.vars from .dev.vars.example (local secrets; never commit it).");
}
run("npx", ["wrangler", "d1", "migrations", "apply", "DB", "--local"]);

const children = [spawn("npx", ["wrangler", "dev", "--port", "8787"], { stdio: "inherit" })];
const stop = () => {
  for (const child of children) child.kill("SIGTERM");
};
process.on("SIGINT", stop);
process.on("SIGTERM", stop);
for (const child of children) child.on("exit", (code) => (stop(), process.exit(code ?? 0)));
