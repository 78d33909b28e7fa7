// Starts the Worker with `wrangler dev` on a fresh local D1/KV for the benchmark.
import { execFileSync, spawn } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";

const root = path.resolve(import.meta.dirname, "..");

export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
    server.on("error", reject);
  });
}

/**
 * A copy of wrangler.toml for the benchmark: absolute paths (entry, migrations, `[alias]` targets),
 * and the per-address sign-in limit raised so the sign-in benchmark measures hashing and storage,
 * not the throttle (every request comes from one address here).
 */
function benchConfig(dir) {
  const toml = readFileSync(path.join(root, "wrangler.toml"), "utf8")
    .replace(/^main = "src\/index.ts"/m, `main = "${path.join(root, "src/index.ts")}"`)
    .replace(/^migrations_dir = "drizzle"/m, `migrations_dir = "${path.join(root, "drizzle")}"`)
    .replaceAll('"./shims/', `"${path.join(root, "shims")}/`)
    .replace(/simple = \{ limit = \d+, period = 60 \}/g, "simple = { limit = 100000000, period = 60 }");
  const file = path.join(dir, "wrangler.toml");
  writeFileSync(file, toml);
  return file;
}

export async function startWorker({ seedFile, vars = {} }) {
  const dir = mkdtempSync(path.join(tmpdir(), "edge-users-bench-"));
  const config = benchConfig(dir);
  const persist = path.join(dir, "state");
  const env = { ...process.env, CI: "true" };
  const wrangler = (args) =>
    execFileSync("npx", ["wrangler", ...args, "-c", config], { cwd: root, env, stdio: "ignore" });
  wrangler(["d1", "migrations", "apply", "DB", "--local", "--persist-to", persist]);
  wrangler(["d1", "execute", "DB", "--local", "--persist-to", persist, "--file", seedFile]);
  const port = await freePort();
  const args = [
    "wrangler",
    "dev",
    "-c",
    config,
    "--port",
    String(port),
    "--ip",
    "127.0.0.1",
    "--persist-to",
    persist,
  ];
  for (const [name, value] of Object.entries(vars)) args.push("--var", `${name}:${value}`);
  const child = spawn("npx", args, { cwd: root, env, stdio: "ignore", detached: true });
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 180; i++) {
    try {
      if ((await fetch(`${url}/api/v1/health`)).ok) break;
    } catch {
      await new Promise((r) => setTimeout(r, 500));
    }
  }
  return { url, stop: () => process.kill(-child.pid, "SIGTERM") };
}
