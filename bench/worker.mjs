// Starts the Worker with `wrangler dev` on a fresh local D1/KV for the benchmark.
import { execFileSync, spawn } from "node:child_process";
import { mkdtempSync, openSync, readFileSync, writeFileSync } from "node:fs";
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
 * A copy of wrangler.toml for the benchmark: absolute paths (entry, migrations, `[alias]` targets,
 * assets, the build step's directory),
 * and the per-address sign-in limit raised so the sign-in benchmark measures hashing and storage,
 * not the throttle (every request comes from one address here). `realLimits` keeps the production
 * limits (the soak test sends a different `cf-connecting-ip` per virtual client instead).
 */
function benchConfig(dir, { realLimits = false } = {}) {
  let toml = readFileSync(path.join(root, "wrangler.toml"), "utf8")
    .replace(/^main = "src\/index.ts"/m, `main = "${path.join(root, "src/index.ts")}"`)
    .replace(/^migrations_dir = "drizzle"/m, `migrations_dir = "${path.join(root, "drizzle")}"`)
    .replaceAll('"./shims/', `"${path.join(root, "shims")}/`)
    .replace(/^directory = "\.\/dist\/assets"/m, `directory = "${path.join(root, "dist/assets")}"`)
    // The [build] step (console assets) runs from the repository; nothing is watched here.
    .replace(/^\[build\]$/m, `[build]\ncwd = "${root}"`)
    .replace(/^watch_dir = .*$/m, "");
  if (!realLimits)
    toml = toml.replace(
      /simple = \{ limit = \d+, period = 60 \}/g,
      "simple = { limit = 100000000, period = 60 }",
    );
  const file = path.join(dir, "wrangler.toml");
  writeFileSync(file, toml);
  // The development access-token keys (wrangler dev reads .dev.vars next to the config).
  const jwks = /^ACCESS_TOKEN_JWKS=.*$/m.exec(readFileSync(path.join(root, ".dev.vars.example"), "utf8"));
  if (jwks) writeFileSync(path.join(dir, ".dev.vars"), `${jwks[0]}\n`);
  return file;
}

/**
 * Migrations and seed on a fresh local D1. On a busy machine `wrangler d1 execute` has been seen to
 * fail once and succeed on a rerun, so a failure retries once from a fresh directory.
 */
function prepareState({ seedFile, realLimits, env }) {
  for (let attempt = 1; attempt <= 2; attempt++) {
    const dir = mkdtempSync(path.join(tmpdir(), "edge-users-bench-"));
    const config = benchConfig(dir, { realLimits });
    const persist = path.join(dir, "state");
    const wrangler = (args) =>
      execFileSync("npx", ["wrangler", ...args, "-c", config], {
        cwd: root,
        env,
        stdio: ["ignore", "ignore", "pipe"],
        maxBuffer: 64 * 1024 * 1024,
      });
    try {
      wrangler(["d1", "migrations", "apply", "DB", "--local", "--persist-to", persist]);
      wrangler(["d1", "execute", "DB", "--local", "--persist-to", persist, "--file", seedFile]);
      return { config, persist };
    } catch (error) {
      const stderr = String(error.stderr ?? "")
        .trim()
        .split("\n")
        .slice(-5)
        .join("\n");
      if (attempt >= 2) throw new Error(`preparing the local D1 failed twice: ${stderr}`);
      console.error(`preparing the local D1 failed (${stderr}); retrying once from a fresh directory`);
    }
  }
  throw new Error("unreachable");
}

export async function startWorker({ seedFile, vars = {}, realLimits = false }) {
  const env = { ...process.env, CI: "true" };
  const { config, persist } = prepareState({ seedFile, realLimits, env });
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
  // wrangler's own output goes to a log file, named when it does not come up.
  const log = path.join(path.dirname(config), "wrangler-dev.log");
  const out = openSync(log, "w");
  const child = spawn("npx", args, { cwd: root, env, stdio: ["ignore", out, out], detached: true });
  const url = `http://127.0.0.1:${port}`;
  // `pid`: the spawned process (leader of its own process group; workerd runs below it).
  const stop = () => {
    try {
      process.kill(-child.pid, "SIGTERM");
    } catch {
      // Already gone (it exited on its own): nothing to stop.
    }
  };
  for (let i = 0; i < 180; i++) {
    if (child.exitCode !== null) break;
    try {
      if ((await fetch(`${url}/api/v1/health`)).ok) return { url, pid: child.pid, stop };
    } catch {
      await new Promise((r) => setTimeout(r, 500));
    }
  }
  stop();
  throw new Error(`wrangler dev did not answer ${url}/api/v1/health; its output: ${log}`);
}
