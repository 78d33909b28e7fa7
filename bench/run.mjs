// `npm run bench`: throughput, latency and storage round trips per endpoint against a local
// `wrangler dev` with 10,000 seeded users, each endpoint as a ratio to a no-op baseline measured
// in the same run; medians of interleaved runs. `--distance MS` adds a simulated latency per D1
// round trip (MS), per KV miss (`--kv-miss MS`, default MS) and per KV cache hit (`--kv-hit MS`,
// default 1) and reports p50 beside each endpoint's floor.
// Environment: BENCH_DURATION (s, default 10), BENCH_RUNS (default 3), BENCH_LATENCY_DURATION (s, 5).
import { randomBytes, scryptSync } from "node:crypto";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import path from "node:path";
import autocannon from "autocannon";
import { bundleSize } from "./bundle-size.mjs";
import { BENCH_PASSWORD, seedSql } from "./seed.mjs";
import { startWorker } from "./worker.mjs";

const root = path.resolve(import.meta.dirname, "..");
const args = process.argv.slice(2);
const option = (name, fallback) =>
  args.includes(name) ? Number(args[args.indexOf(name) + 1]) || 0 : fallback;
const distance = option("--distance", 0);
const kvMiss = option("--kv-miss", distance);
const kvHit = distance ? option("--kv-hit", 1) : 0;
const DURATION = Number(process.env.BENCH_DURATION ?? 10);
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const LATENCY_DURATION = Number(process.env.BENCH_LATENCY_DURATION ?? 5);
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

async function signIn(url, username) {
  const res = await fetch(`${url}/api/v1/users/login/local`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ username, password: BENCH_PASSWORD }),
  });
  if (!res.ok) throw new Error(`sign-in as ${username} failed: ${res.status} ${await res.text()}`);
  return (await res.json()).token;
}

/** A fresh access token for the session (POST /users/token). */
async function accessToken(url, sessionToken) {
  const res = await fetch(`${url}/api/v1/users/token`, {
    method: "POST",
    headers: { authorization: `Bearer ${sessionToken}` },
  });
  if (!res.ok) throw new Error(`access token failed: ${res.status} ${await res.text()}`);
  return (await res.json()).access_token;
}

function endpoints(url, userToken, adminToken) {
  const auth = (t) => ({ authorization: `Bearer ${t}` });
  const json = { "content-type": "application/json" };
  return [
    { name: "no-op baseline (GET /health)", path: "/api/v1/health" },
    {
      name: "GET /users/me (access token)",
      path: "/api/v1/users/me",
      // Re-issued before each measurement, so it never expires mid-run.
      refresh: async () => auth(await accessToken(url, userToken)),
    },
    { name: "GET /users/me (strict: session token)", path: "/api/v1/users/me", headers: auth(userToken) },
    { name: "GET /users/me/config", path: "/api/v1/users/me/config", headers: auth(userToken) },
    {
      name: "PUT /users/me/config",
      path: "/api/v1/users/me/config",
      method: "PUT",
      headers: { ...auth(userToken), ...json },
      body: JSON.stringify({
        llm: { provider: "openai", model: "gpt-5-mini", options: { temperature: 0.4 } },
      }),
    },
    {
      name: "POST /users/login/local",
      path: "/api/v1/users/login/local",
      method: "POST",
      headers: json,
      body: JSON.stringify({ username: "bench42", password: BENCH_PASSWORD }),
    },
    {
      name: "GET /users/admin/users?search=bench12&per_page=50",
      path: "/api/v1/users/admin/users?search=bench12&per_page=50",
      headers: auth(adminToken),
    },
    {
      name: "GET /users/me/config/providers",
      path: "/api/v1/users/me/config/providers",
      headers: auth(userToken),
    },
  ];
}

function cannon(url, endpoint, connections, duration) {
  return autocannon({
    url: `${url}${endpoint.path}`,
    method: endpoint.method ?? "GET",
    headers: endpoint.headers ?? {},
    body: endpoint.body,
    connections,
    duration,
  });
}

/** Storage round trips the endpoint makes, from its Server-Timing header. */
async function roundTrips(url, endpoint) {
  const res = await fetch(`${url}${endpoint.path}`, {
    method: endpoint.method ?? "GET",
    headers: endpoint.headers,
    body: endpoint.body,
  });
  const header = res.headers.get("server-timing") ?? "";
  const d1 = Number(/d1;desc="(\d+)/.exec(header)?.[1] ?? 0);
  const kvDesc = /kv;desc="([^"]*)"/.exec(header)?.[1] ?? "";
  const kv = [...kvDesc.matchAll(/(\d+) /g)].reduce((sum, m) => sum + Number(m[1]), 0);
  const kvRemote = [...kvDesc.matchAll(/(\d+) (write|delete|list)/g)].reduce(
    (sum, m) => sum + Number(m[1]),
    0,
  );
  const kvReads = Number(/(\d+) read/.exec(kvDesc)?.[1] ?? 0);
  if (!res.ok) throw new Error(`${endpoint.name}: ${res.status} ${await res.text()}`);
  return { status: res.status, d1, kv, kvRemote, kvReads, header };
}

function passwordHashCost() {
  const samples = [];
  for (let i = 0; i < 7; i++) {
    const start = process.hrtime.bigint();
    scryptSync("a password of ordinary length", randomBytes(16), 32, {
      N: 2 ** 14,
      r: 8,
      p: 5,
      maxmem: 64 * 1024 * 1024,
    });
    samples.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  return {
    algorithm: "scrypt N=2^14 r=8 p=5 (node:crypto, same parameters as the Worker)",
    median_ms: median(samples),
  };
}

async function main() {
  const date = new Date().toISOString();
  const machine = {
    nproc: cpus().length,
    cpu: cpus()[0]?.model ?? "unknown",
    node: process.version,
    load_1m_start: loadavg()[0].toFixed(1),
  };
  console.log(
    `Seeding 10,000 users; ${RUNS} interleaved runs of ${DURATION} s at 16 connections${distance ? `; simulated distance ${distance} ms` : ""}`,
  );
  const seedFile = path.join(mkdtempSync(path.join(tmpdir(), "edge-users-seed-")), "seed.sql");
  writeFileSync(seedFile, seedSql());
  const vars = {
    ACCESS_TOKEN_TTL_SECONDS: "900",
    ...(distance
      ? {
          BENCH_D1_LATENCY_MS: String(distance),
          BENCH_KV_MISS_LATENCY_MS: String(kvMiss),
          BENCH_KV_HIT_LATENCY_MS: String(kvHit),
        }
      : {}),
  };
  const worker = await startWorker({ seedFile, vars });
  try {
    const list = endpoints(
      worker.url,
      await signIn(worker.url, "bench7"),
      await signIn(worker.url, "bench1"),
    );
    const samples = new Map(list.map((e) => [e.name, { rps: [], p50: [], p99: [], errors: 0, trips: null }]));
    for (const e of list) {
      if (e.refresh) e.headers = await e.refresh();
      samples.get(e.name).trips = await roundTrips(worker.url, e);
    }
    for (let run = 1; run <= RUNS; run++) {
      // Each run starts one endpoint later, so no endpoint is always measured right after the same
      // one (a run's position moved a figure by up to 2x on a shared machine; BENCHMARKS.md 2026-11-25).
      const order = list.map((_, i) => list[(i + run - 1) % list.length]);
      for (const e of order) {
        if (e.refresh) e.headers = await e.refresh();
        const load = await cannon(worker.url, e, 16, DURATION);
        const single = await cannon(worker.url, e, 1, LATENCY_DURATION);
        const s = samples.get(e.name);
        s.rps.push(load.requests.average);
        s.p50.push(single.latency.p50);
        s.p99.push(single.latency.p99);
        s.errors += load.errors + load.non2xx + single.errors + single.non2xx;
        console.log(
          `run ${run} ${e.name}: ${load.requests.average.toFixed(0)} req/s, p50 ${single.latency.p50} ms`,
        );
      }
    }
    const baseline = median(samples.get(list[0].name).rps);
    const results = list.map((e) => {
      const s = samples.get(e.name);
      const rps = median(s.rps);
      return {
        endpoint: e.name,
        throughput_rps_16c: Math.round(rps),
        ratio_to_baseline: Number((rps / baseline).toFixed(3)),
        latency_p50_ms_1c: median(s.p50),
        latency_p99_ms_1c: median(s.p99),
        errors: s.errors,
        d1_round_trips: s.trips.d1,
        kv_operations: s.trips.kv,
        // Repeated KV reads are served from the (simulated) location cache: the floor is the D1
        // round trips at the primary's distance, KV writes at a miss's, KV reads at a hit's.
        ...(distance
          ? { floor_ms: s.trips.d1 * distance + s.trips.kvRemote * kvMiss + s.trips.kvReads * kvHit }
          : {}),
      };
    });
    const report = {
      date,
      machine,
      settings: {
        duration_s: DURATION,
        runs: RUNS,
        latency_duration_s: LATENCY_DURATION,
        distance_ms: distance,
        kv_miss_ms: kvMiss,
        kv_hit_ms: kvHit,
        users: 10_000,
      },
      results,
      password_hash: passwordHashCost(),
      bundle: distance ? undefined : bundleSize(),
    };
    const file = path.join(
      root,
      "bench/results",
      `${date.slice(0, 10)}${distance ? `-distance-${distance}ms` : ""}.json`,
    );
    writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
    writeBenchmarksMd(report, path.relative(root, file));
    console.table(results);
    console.log(`Wrote ${path.relative(root, file)} and BENCHMARKS.md`);
  } finally {
    worker.stop();
  }
}

function writeBenchmarksMd(report, file) {
  const md = path.join(root, "BENCHMARKS.md");
  const existing = (() => {
    try {
      return readFileSync(md, "utf8");
    } catch {
      return "# Benchmarks\n\nProduced by `npm run bench` (see docs/performance.md). Newest first.\n";
    }
  })();
  const [head, ...rest] = existing.split("\n## ");
  const rows = report.results.map(
    (r) =>
      `| ${r.endpoint} | ${r.throughput_rps_16c} | ${r.ratio_to_baseline} | ${r.latency_p50_ms_1c} | ${r.latency_p99_ms_1c} | ${r.errors} | ${r.d1_round_trips} / ${r.kv_operations} |${report.settings.distance_ms ? ` ${r.floor_ms} |` : ""}`,
  );
  const distanceCol = report.settings.distance_ms ? " floor (ms) |" : "";
  const bundle = report.bundle
    ? `\nBundle (wrangler deploy --dry-run): unminified ${report.bundle.unminified.bytes} B (${report.bundle.unminified.gzip_bytes} B gzip), minified ${report.bundle.minified.bytes} B (${report.bundle.minified.gzip_bytes} B gzip).\n`
    : "";
  const section = `${report.date.slice(0, 10)} — ${report.machine.nproc} cores (${report.machine.cpu}), Node ${report.machine.node}${report.settings.distance_ms ? `, simulated distance: ${report.settings.distance_ms} ms per D1 round trip, ${report.settings.kv_miss_ms} ms per KV miss or write, ${report.settings.kv_hit_ms} ms per KV cache hit` : ""}

Medians of ${report.settings.runs} interleaved runs: throughput at 16 connections for ${report.settings.duration_s} s; latency at 1 connection for ${report.settings.latency_duration_s} s. 10,000 seeded users. Load average (1 min) at the start: ${report.machine.load_1m_start}. Raw data: \`${file}\`.

| endpoint | req/s (16c) | ratio to baseline | p50 ms (1c) | p99 ms (1c) | errors | D1 / KV ops |${distanceCol}
|---|---|---|---|---|---|---|${report.settings.distance_ms ? "---|" : ""}
${rows.join("\n")}

Password hash (${report.password_hash.algorithm}): median ${report.password_hash.median_ms.toFixed(1)} ms on this machine.
${bundle}`;
  writeFileSync(md, [head.trimEnd(), `\n## ${section}`, ...rest.map((r) => `## ${r}`)].join("\n"));
}

await main();
