// `npm run dev`: everything a newcomer needs for a local service on http://localhost:8787.
// Installs dependencies when missing, creates .dev.vars from the example, applies the D1
// migrations to the local database, builds the console and reference assets, starts the local
// OpenID provider and `wrangler dev`, and prints the console's address.
import { spawn, spawnSync } from "node:child_process";
import { copyFileSync, existsSync } from "node:fs";

const run = (cmd, args) => {
  const result = spawnSync(cmd, args, { stdio: "inherit" });
  if (result.status !== 0) process.exit(result.status ?? 1);
};

if (!existsSync("node_modules/.package-lock.json")) run("npm", ["ci", "--no-audit", "--no-fund"]);
if (!existsSync(".dev.vars")) {
  copyFileSync(".dev.vars.example", ".dev.vars");
  console.log("Created .dev.vars from .dev.vars.example (local secrets; never commit it).");
}
run("npx", ["wrangler", "d1", "migrations", "apply", "DB", "--local"]);
run("node", ["scripts/build-console.mjs"]);

const children = [];
if (existsSync("scripts/dev-oidc-provider.mjs")) {
  children.push(spawn("node", ["scripts/dev-oidc-provider.mjs"], { stdio: "inherit" }));
}
children.push(spawn("npx", ["wrangler", "dev", "--port", "8787"], { stdio: "inherit" }));
console.log("\nConsole:       http://localhost:8787/console/");
console.log("API reference: http://localhost:8787/api/v1/docs\n");

const stopAll = () => {
  for (const child of children) child.kill("SIGTERM");
};
process.on("SIGINT", stopAll);
process.on("SIGTERM", stopAll);
for (const child of children) {
  child.on("exit", (code) => {
    stopAll();
    process.exit(code ?? 0);
  });
}
