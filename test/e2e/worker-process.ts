import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";

/** A free loopback port, chosen by the OS. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
    server.on("error", reject);
  });
}

export interface RunningWorker {
  url: string;
  stop: () => Promise<void>;
}

/**
 * Runs the Worker as an operator would in development: `wrangler dev` with local D1 and KV in a
 * fresh directory, migrations applied first, configuration passed as `--var`.
 */
export async function startWorker(vars: Record<string, string>, port?: number): Promise<RunningWorker> {
  const persist = mkdtempSync(path.join(tmpdir(), "edge-users-e2e-"));
  execFileSync("npx", ["wrangler", "d1", "migrations", "apply", "DB", "--local", "--persist-to", persist], {
    stdio: "ignore",
    env: { ...process.env, CI: "true" },
  });
  const workerPort = port ?? (await freePort());
  const args = [
    "wrangler",
    "dev",
    "--port",
    String(workerPort),
    "--ip",
    "127.0.0.1",
    "--persist-to",
    persist,
  ];
  for (const [name, value] of Object.entries(vars)) args.push("--var", `${name}:${value}`);
  const child: ChildProcess = spawn("npx", args, {
    stdio: "ignore",
    detached: true,
    env: { ...process.env, CI: "true" },
  });
  const url = `http://localhost:${workerPort}`;
  const deadline = Date.now() + 90_000;
  while (Date.now() < deadline) {
    try {
      if ((await fetch(`${url}/api/v1/health`)).ok) break;
    } catch {
      await new Promise((r) => setTimeout(r, 500));
    }
  }
  return {
    url,
    stop: async () => {
      if (child.pid) process.kill(-child.pid, "SIGTERM");
      await new Promise((r) => setTimeout(r, 300));
    },
  };
}
