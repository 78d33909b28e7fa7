// `npm run soak`: SOAK_SECONDS (default 300) of mixed traffic from SOAK_CLIENTS (default 8) virtual
// clients against a local `wrangler dev` with 10,000 seeded users (bench/worker.mjs, bench/seed.mjs),
// production rate limits kept. Records per route: count, status histogram, client-side p50/p99,
// 5xx; RSS of workerd (descendant of the spawned wrangler) and of this script after warm-up and at
// the end. Exit code 1 if any request got a 5xx or no response at all. Not part of `npm test`.
// Environment: SOAK_SECONDS (300), SOAK_CLIENTS (8), SOAK_WARMUP_SECONDS (10), SOAK_THINK_MS (5,
// mean pause between a client's actions), SOAK_SIGNINS_PER_MINUTE (4, per client; the limiter
// allows 20 per address), SOAK_MAX_REQUESTS (2,000,000: a bound on the whole run).
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import path from "node:path";
import { BENCH_PASSWORD, seedSql } from "./seed.mjs";
import { startWorker } from "./worker.mjs";

const root = path.resolve(import.meta.dirname, "..");
const int = (name, fallback) => {
  const value = Number(process.env[name] ?? fallback);
  return Number.isFinite(value) && value >= 0 ? Math.floor(value) : fallback;
};
const SOAK_SECONDS = int("SOAK_SECONDS", 300);
const CLIENTS = Math.min(Math.max(int("SOAK_CLIENTS", 8), 1), 50);
const WARMUP_SECONDS = int("SOAK_WARMUP_SECONDS", Math.min(10, Math.ceil(SOAK_SECONDS / 4)));
const THINK_MS = int("SOAK_THINK_MS", 5);
const SIGNINS_PER_MINUTE = Math.min(int("SOAK_SIGNINS_PER_MINUTE", 4), 15);
const MAX_REQUESTS = int("SOAK_MAX_REQUESTS", 2_000_000);
const REQUEST_TIMEOUT_MS = 30_000;
const MEMORY_SAMPLE_MS = 15_000;
const USERS = 10_000;
/** Every client signs in as its own user and its own administrator (seeded admins: bench1..). */
const userOf = (i) => `bench${1000 + i}`;
const adminOf = (i) => `bench${i + 1}`;
/** A user no client signs in as; the group cycle moves it into its group before deleting it. */
const spareOf = (i) => `00000000-0000-4000-8000-${String(9000 + i).padStart(12, "0")}`;
/**
 * Only a header value (TEST-NET-1 documentation range): the sign-in limiter keys on
 * cf-connecting-ip, so each virtual client looks like its own address. No traffic goes there.
 */
const ipOf = (i) => `192.0.2.${10 + i}`;

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const pick = (xs) => xs[Math.floor(Math.random() * xs.length)];
const percentile = (sorted, p) =>
  sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] : null;
const round = (x) => (x === null ? null : Math.round(x * 10) / 10);

// ---------------------------------------------------------------------------------------------
// Recording

class Recorder {
  constructor() {
    this.routes = new Map();
    this.total = 0;
    this.failures = []; // 5xx and transport errors: the first few, with request and response
    this.failureCount = 0;
    this.unexpected = []; // a status the scenario does not expect (not a failure, but reported)
    this.unexpectedCount = 0;
    this.windows = new Map(); // 30 s windows of all latencies, to see drift over the run
    this.startedAt = performance.now();
  }

  record(route, status, ms, expected, request, responseText) {
    this.total++;
    let r = this.routes.get(route);
    if (!r) {
      r = { count: 0, statuses: {}, latencies: [], errors5xx: 0, transport: 0, unexpected: 0 };
      this.routes.set(route, r);
    }
    r.count++;
    r.statuses[status] = (r.statuses[status] ?? 0) + 1;
    r.latencies.push(ms);
    const w = Math.floor((performance.now() - this.startedAt) / 30_000);
    if (!this.windows.has(w)) this.windows.set(w, []);
    this.windows.get(w).push(ms);
    const failed = typeof status !== "number" || status >= 500;
    if (failed) {
      if (typeof status === "number") r.errors5xx++;
      else r.transport++;
      this.failureCount++;
      if (this.failures.length < 20)
        this.failures.push({ route, status, ms: round(ms), request, response: responseText?.slice(0, 2000) });
    } else if (!expected.includes(status)) {
      r.unexpected++;
      this.unexpectedCount++;
      if (this.unexpected.length < 20)
        this.unexpected.push({
          route,
          status,
          expected,
          request,
          response: responseText?.slice(0, 1000),
        });
    }
  }

  /** An outcome that no single status shows (e.g. two concurrent writes both winning). */
  note(entry) {
    this.unexpectedCount++;
    if (this.unexpected.length < 20) this.unexpected.push(entry);
  }

  summary() {
    return [...this.routes.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([route, r]) => {
        const sorted = [...r.latencies].sort((a, b) => a - b);
        return {
          route,
          count: r.count,
          statuses: r.statuses,
          p50_ms: round(percentile(sorted, 50)),
          p99_ms: round(percentile(sorted, 99)),
          max_ms: round(sorted.at(-1) ?? null),
          errors_5xx: r.errors5xx,
          transport_errors: r.transport,
          unexpected: r.unexpected,
        };
      });
  }

  windowSummary() {
    return [...this.windows.entries()]
      .sort(([a], [b]) => a - b)
      .map(([w, latencies]) => {
        const sorted = [...latencies].sort((a, b) => a - b);
        return {
          from_s: w * 30,
          requests: sorted.length,
          p50_ms: round(percentile(sorted, 50)),
          p99_ms: round(percentile(sorted, 99)),
        };
      });
  }
}

// ---------------------------------------------------------------------------------------------
// Memory: VmRSS from /proc of workerd among the spawned process's descendants, and of this script.

function processTable() {
  const table = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      // Field 2 (comm) is in parentheses and may contain spaces; ppid is the 2nd field after it.
      const afterComm = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      table.push({
        pid: Number(entry),
        ppid: Number(afterComm[1]),
        comm: stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")")),
      });
    } catch {
      // the process ended while we looked
    }
  }
  return table;
}

function descendants(rootPid) {
  const table = processTable();
  const found = [];
  let frontier = [rootPid];
  for (let depth = 0; depth < 20 && frontier.length > 0; depth++) {
    const next = table.filter((p) => frontier.includes(p.ppid));
    found.push(...next);
    frontier = next.map((p) => p.pid);
  }
  return found;
}

function rssKiB(pid) {
  try {
    const match = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return match ? Number(match[1]) : 0;
  } catch {
    return 0;
  }
}

/** wrangler dev runs two workerd processes: its proxy, and the runtime serving the Worker. */
function workerdRole(pid) {
  try {
    const args = readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0");
    return args.some((a) => a.startsWith("--inspector-addr")) ? "runtime (serves the Worker)" : "proxy";
  } catch {
    return "unknown";
  }
}

function memorySnapshot(workerPid, label) {
  const tree = descendants(workerPid);
  const workerd = tree.filter((p) => p.comm === "workerd");
  const processes = workerd.map((p) => ({ pid: p.pid, rss_kib: rssKiB(p.pid), role: workerdRole(p.pid) }));
  return {
    label,
    at: new Date().toISOString(),
    workerd_rss_kib: processes.reduce((sum, p) => sum + p.rss_kib, 0),
    workerd_processes: processes,
    wrangler_tree_rss_kib: [workerPid, ...tree.map((p) => p.pid)].reduce((sum, pid) => sum + rssKiB(pid), 0),
    node_rss_kib: Math.round(process.memoryUsage().rss / 1024),
  };
}

// ---------------------------------------------------------------------------------------------
// HTTP: every request goes to the loopback base URL, timed on the client, with a timeout.

function makeHttp(base, recorder, stats) {
  const origin = new URL(base);
  if (origin.hostname !== "127.0.0.1" || origin.protocol !== "http:")
    throw new Error(`refusing to send traffic anywhere but 127.0.0.1 (got ${base})`);
  async function http(route, { method = "GET", path: p, headers = {}, body, expect = [200] }) {
    const url = new URL(`/api/v1${p}`, origin);
    if (url.origin !== origin.origin) throw new Error(`not loopback: ${url}`);
    if (stats.requests >= MAX_REQUESTS) return { status: "skipped", text: "", headers: new Headers() };
    stats.requests++;
    const started = performance.now();
    let status;
    let text = "";
    let responseHeaders = new Headers();
    try {
      const res = await fetch(url, {
        method,
        headers,
        body,
        redirect: "manual",
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      });
      text = await res.text();
      status = res.status;
      responseHeaders = res.headers;
    } catch (error) {
      status = error?.name === "TimeoutError" ? "timeout" : "network_error";
      text = String(error?.cause ?? error);
    }
    const ms = performance.now() - started;
    const shownBody =
      typeof body === "string" ? body.slice(0, 1000) : body instanceof FormData ? "(multipart)" : undefined;
    const shownHeaders = Object.fromEntries(
      Object.entries(headers).map(([k, v]) => [
        k,
        k.toLowerCase() === "authorization" ? `${String(v).slice(0, 14)}…` : v,
      ]),
    );
    recorder.current.record(
      route,
      status,
      ms,
      expect,
      { method, path: `/api/v1${p}`, headers: shownHeaders, body: shownBody },
      text,
    );
    return { status, text, headers: responseHeaders };
  }
  http.recorder = recorder;
  return http;
}

const json = (value) => JSON.stringify(value);
const parse = (text) => {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
};

// ---------------------------------------------------------------------------------------------
// One virtual client: a user session and an administrator session, and a weighted action mix.

const LLM = [
  { provider: "openai", model: "gpt-5-mini" },
  { provider: "anthropic", model: "claude-sonnet-4-5" },
  { provider: "groq", model: "llama-3.3-70b-versatile" },
];
const TIMEZONES = ["Europe/Berlin", "America/New_York", "Asia/Tokyo", "UTC"];
const LOCALES = ["en-GB", "de-DE", "ja-JP", "fr"];

function importYaml(i, n) {
  const llm = LLM[n % LLM.length];
  return `version: 1
preferences:
  llm:
    provider: ${llm.provider}
    model: ${llm.model}
    options:
      temperature: ${(n % 10) / 10}
  tts:
    provider: openai
    model: gpt-4o-mini-tts
    options:
      voice: alloy
  stt: ${n % 2 ? "null" : "\n    provider: deepgram"}
# soak client ${i}
`;
}

function multipart(text) {
  const form = new FormData();
  form.append("file", new Blob([text], { type: "application/yaml" }), "preferences.yaml");
  return form;
}

class Client {
  constructor(i, http) {
    this.i = i;
    this.http = http;
    this.ip = ipOf(i);
    this.signIns = []; // timestamps of sign-in attempts in the last minute (limiter budget)
    this.etag = null;
    this.previousEtag = null;
    this.n = 0;
  }

  canSignIn() {
    const now = Date.now();
    this.signIns = this.signIns.filter((t) => now - t < 60_000);
    return this.signIns.length < SIGNINS_PER_MINUTE;
  }

  async signIn(username, route = "POST /users/login/local") {
    this.signIns.push(Date.now());
    const res = await this.http(route, {
      method: "POST",
      path: "/users/login/local",
      headers: { "content-type": "application/json", "cf-connecting-ip": this.ip },
      body: json({ username, password: BENCH_PASSWORD }),
    });
    return res.status === 200 ? parse(res.text)?.token : null;
  }

  async setup() {
    this.userToken = await this.signIn(userOf(this.i));
    this.adminToken = await this.signIn(adminOf(this.i));
    if (!this.userToken || !this.adminToken) throw new Error(`client ${this.i}: setup sign-in failed`);
  }

  headers(token = this.userToken, extra = {}) {
    return { authorization: `Bearer ${token}`, "cf-connecting-ip": this.ip, ...extra };
  }

  admin(extra = {}) {
    return this.headers(this.adminToken, extra);
  }

  /** A 401 on the client's own session would be a bug; sign in again (within the budget). */
  async renew(res, which) {
    if (res.status !== 401 || !this.canSignIn()) return;
    const token = await this.signIn(which === "admin" ? adminOf(this.i) : userOf(this.i));
    if (token && which === "admin") this.adminToken = token;
    if (token && which === "user") this.userToken = token;
  }

  // --- user traffic ---

  async getMe() {
    await this.renew(
      await this.http("GET /users/me", { path: "/users/me", headers: this.headers() }),
      "user",
    );
  }

  async getProfile() {
    await this.http("GET /users/me/profile", { path: "/users/me/profile", headers: this.headers() });
  }

  async getConfig() {
    const res = await this.http("GET /users/me/config", {
      path: "/users/me/config",
      headers: this.headers(),
    });
    const etag = res.headers.get("etag");
    if (res.status === 200 && etag && etag !== this.etag) {
      this.previousEtag = this.etag;
      this.etag = etag;
    }
  }

  async putConfig(stale) {
    if (!this.etag) await this.getConfig();
    const n = ++this.n;
    const llm = LLM[n % LLM.length];
    const body = {
      llm: { ...llm, options: { temperature: (n % 20) / 10, max_tokens: 256 + n } },
      ...(n % 3 === 0
        ? { tts: { provider: "openai", model: "gpt-4o-mini-tts", options: { voice: "nova" } } }
        : {}),
      ...(n % 5 === 0 ? { stt: null } : {}),
    };
    // A stale ETag: the one before our last write (or one that never existed).
    const ifMatch = stale ? (this.previousEtag ?? '"v999999"') : this.etag;
    const res = await this.http(stale ? "PUT /users/me/config (stale If-Match)" : "PUT /users/me/config", {
      method: "PUT",
      path: "/users/me/config",
      headers: this.headers(undefined, { "content-type": "application/json", "if-match": ifMatch }),
      body: json(body),
      expect: stale ? [412] : [200],
    });
    const etag = res.headers.get("etag");
    if (res.status === 200 && etag) {
      this.previousEtag = this.etag;
      this.etag = etag;
    }
    // Our ETag was out of date (should not happen: each client owns its user): refresh it.
    if (!stale && res.status === 412) await this.getConfig();
  }

  /** The same user on two devices, both writing from the same ETag: exactly one may win. */
  async putConfigRace() {
    if (!this.etag) await this.getConfig();
    const ifMatch = this.etag;
    const put = (provider) =>
      this.http("PUT /users/me/config (two devices at once)", {
        method: "PUT",
        path: "/users/me/config",
        headers: this.headers(undefined, { "content-type": "application/json", "if-match": ifMatch }),
        body: json({ llm: { provider, options: { temperature: 0.5 } } }),
        expect: [200, 412],
      });
    const results = await Promise.all([put("openai"), put("anthropic")]);
    const won = results.filter((r) => r.status === 200);
    if (won.length !== 1) {
      this.http.recorder.current.note({
        route: "PUT /users/me/config (two devices at once)",
        status: results.map((r) => r.status).join("+"),
        expected: "one 200 and one 412",
        request: { method: "PUT", path: "/api/v1/users/me/config", if_match: ifMatch },
      });
    }
    const etag = won[0]?.headers.get("etag");
    if (etag) {
      this.previousEtag = this.etag;
      this.etag = etag;
    } else {
      await this.getConfig();
    }
  }

  async getProviders() {
    const query = pick(["", "?section=llm", "?configured_only=true", "?section=tts&configured_only=true"]);
    await this.http("GET /users/me/config/providers", {
      path: `/users/me/config/providers${query}`,
      headers: this.headers(),
    });
  }

  async getModels() {
    // openai needs a key and no client stores one, so the Worker answers with the static list
    // and makes no outside request.
    await this.http("GET /users/me/config/models", {
      path: "/users/me/config/models?section=llm&provider_name=openai",
      headers: this.headers(),
    });
  }

  async putProfile() {
    const n = ++this.n;
    await this.http("PUT /users/me/profile", {
      method: "PUT",
      path: "/users/me/profile",
      headers: this.headers(undefined, { "content-type": "application/json" }),
      body: json({
        display_name: `Soak User ${this.i} #${n}`,
        bio: n % 4 === 0 ? null : `Written by the soak test, change ${n}.`,
        timezone: TIMEZONES[n % TIMEZONES.length],
        locale: LOCALES[n % LOCALES.length],
      }),
    });
  }

  /** A short second session: sign in, use it, log out, and check that it is over. */
  async sessionCycle() {
    const token = await this.signIn(userOf(this.i));
    if (!token) return;
    await this.http("GET /users/me", { path: "/users/me", headers: this.headers(token) });
    await this.http("POST /users/logout", {
      method: "POST",
      path: "/users/logout",
      headers: this.headers(token),
    });
    await this.http("GET /users/me (after logout)", {
      path: "/users/me",
      headers: this.headers(token),
      expect: [401],
    });
  }

  async wrongPassword() {
    this.signIns.push(Date.now());
    await this.http("POST /users/login/local [wrong password]", {
      method: "POST",
      path: "/users/login/local",
      headers: { "content-type": "application/json", "cf-connecting-ip": this.ip },
      // An unknown user: locks after LOGIN_MAX_FAILURES like a real one (then 429).
      body: json({ username: `soak-ghost-${this.i}`, password: "wrong-password-123" }),
      expect: [401, 429],
    });
  }

  // --- administrator traffic ---

  async listUsers() {
    const sort = pick(["created_at", "username", "last_login_at"]);
    const page = 1 + Math.floor(Math.random() * 50);
    const res = await this.http("GET /users/admin/users", {
      path: `/users/admin/users?page=${page}&per_page=20&sort_by=${sort}&sort_order=${pick(["asc", "desc"])}`,
      headers: this.admin(),
    });
    await this.renew(res, "admin");
  }

  async searchUsers() {
    const search = pick(["bench12", "bench7", "example.org", "Bench User 99", "nobody-here"]);
    const filter = pick(["", "&role=admin", "&status=ACTIVE", "&group_id=g3"]);
    await this.http("GET /users/admin/users?search=", {
      path: `/users/admin/users?search=${encodeURIComponent(search)}&per_page=50${filter}`,
      headers: this.admin(),
    });
  }

  async listGroups() {
    await this.http("GET /users/admin/groups", { path: "/users/admin/groups", headers: this.admin() });
  }

  async groupCycle() {
    const n = ++this.n;
    const headers = this.admin({ "content-type": "application/json" });
    const created = await this.http("POST /users/admin/groups", {
      method: "POST",
      path: "/users/admin/groups",
      headers,
      body: json({
        name: `soak ${this.i}-${n}`,
        description: "Created by the soak test",
        policy: { llm: { allowed_providers: ["openai", "anthropic"] } },
      }),
      expect: [201],
    });
    const id = parse(created.text)?.id;
    if (created.status !== 201 || !id) return;
    await this.http("PUT /users/admin/groups/{gid}", {
      method: "PUT",
      path: `/users/admin/groups/${encodeURIComponent(id)}`,
      headers,
      body: json({
        description: `Updated ${n}`,
        policy: { llm: { allowed_providers: ["openai"], defaults: { provider: "openai" } } },
      }),
    });
    if (n % 2 === 0) {
      await this.http("PUT /users/admin/users/{uid}/group", {
        method: "PUT",
        path: `/users/admin/users/${spareOf(this.i)}/group`,
        headers,
        body: json({ group_id: id }),
      });
    }
    if (n % 5 === 0) {
      // Same name again: 409.
      await this.http("POST /users/admin/groups (duplicate name)", {
        method: "POST",
        path: "/users/admin/groups",
        headers,
        body: json({ name: `soak ${this.i}-${n}` }),
        expect: [409],
      });
    }
    await this.http("DELETE /users/admin/groups/{gid}", {
      method: "DELETE",
      path: `/users/admin/groups/${encodeURIComponent(id)}`,
      headers: this.admin(),
    });
  }

  async audit() {
    const filter = pick([
      "",
      "&action=user.preferences_updated",
      "&action=auth.login_failed",
      `&from=${new Date(Date.now() - 60_000).toISOString()}`,
    ]);
    await this.http("GET /users/admin/audit", {
      path: `/users/admin/audit?per_page=${pick([10, 50, 100])}${filter}`,
      headers: this.admin(),
    });
  }

  async exportImport() {
    const exportRequest = { path: "/users/me/config/export", headers: this.admin() };
    let exported = await this.http("GET /users/me/config/export", { ...exportRequest, expect: [200, 401] });
    // The export needs a recent authentication (step-up, 5 minutes): a client confirms its password
    // when asked and retries, as the console does.
    if (exported.status === 401 && exported.text.includes("reauthentication_required")) {
      await this.http("POST /users/me/reauthenticate", {
        method: "POST",
        path: "/users/me/reauthenticate",
        headers: this.admin({ "content-type": "application/json" }),
        body: json({ password: BENCH_PASSWORD }),
      });
      exported = await this.http("GET /users/me/config/export", exportRequest);
    }
    if (exported.status !== 200) return;
    // Round trip: importing what was just exported changes nothing.
    await this.http("POST /users/me/config/import?dry_run=true", {
      method: "POST",
      path: "/users/me/config/import?dry_run=true",
      headers: this.admin(),
      body: multipart(exported.text),
    });
  }

  async importReal() {
    const n = ++this.n;
    const yaml = importYaml(this.i, n);
    await this.http("POST /users/me/config/import?dry_run=true", {
      method: "POST",
      path: "/users/me/config/import?dry_run=true",
      headers: this.admin(),
      body: multipart(yaml),
    });
    await this.http("POST /users/me/config/import", {
      method: "POST",
      path: "/users/me/config/import",
      headers: this.admin(),
      body: multipart(yaml),
    });
  }

  // --- bad requests: each must be a clean 4xx ---

  async bad() {
    const kind = pick(BAD);
    await kind(this);
  }
}

const BAD = [
  (c) =>
    c.http("PUT /users/me/config [malformed JSON]", {
      method: "PUT",
      path: "/users/me/config",
      headers: c.headers(undefined, { "content-type": "application/json" }),
      body: '{"llm": {"provider": "openai",',
      expect: [400],
    }),
  (c) =>
    c.http("PUT /users/me/config [422 body]", {
      method: "PUT",
      path: "/users/me/config",
      headers: c.headers(undefined, { "content-type": "application/json" }),
      body: json(
        pick([
          { llm: { provider: "no-such-provider" } },
          { llm: { provider: "openai", options: { temperature: 9 } } },
          { tts: { provider: "openai", options: { voice: "nobody" } } },
          { llm: { provider: "openai" }, extra: true },
          [],
        ]),
      ),
      expect: [422],
    }),
  (c) =>
    c.http("PUT /users/me/config [garbage If-Match]", {
      method: "PUT",
      path: "/users/me/config",
      headers: c.headers(undefined, { "content-type": "application/json", "if-match": '"not-an-etag"' }),
      body: json({ llm: { provider: "openai" } }),
      expect: [412],
    }),
  (c) =>
    c.http("PUT /users/me/profile [422 body]", {
      method: "PUT",
      path: "/users/me/profile",
      headers: c.headers(undefined, { "content-type": "application/json" }),
      body: json(
        pick([
          { role: "admin" },
          { email: "not-an-email" },
          { timezone: "Mars/Olympus" },
          { avatar_url: "http://insecure.example/x.png" },
          { display_name: "" },
        ]),
      ),
      expect: [422],
    }),
  (c) =>
    c.http("PUT /users/me/profile [wrong content type]", {
      method: "PUT",
      path: "/users/me/profile",
      headers: c.headers(undefined, { "content-type": "text/plain" }),
      body: "display_name=x",
      expect: [415, 422],
    }),
  (c) =>
    c.http("POST /users/admin/groups [422 body]", {
      method: "POST",
      path: "/users/admin/groups",
      headers: c.admin({ "content-type": "application/json" }),
      body: json(
        pick([
          { name: "" },
          { name: "!!!" },
          { name: "x", policy: { llm: { allowed_providers: ["nope"] } } },
        ]),
      ),
      expect: [422],
    }),
  (c) =>
    c.http("GET /users/admin/audit [422 query]", {
      path: "/users/admin/audit?from=yesterday",
      headers: c.admin(),
      expect: [422],
    }),
  (c) =>
    c.http("GET /users/me/config/models [unknown provider]", {
      path: "/users/me/config/models?section=llm&provider_name=nope",
      headers: c.headers(),
      expect: [404],
    }),
  (c) =>
    c.http("GET /users/… [unknown route]", {
      path: pick(["/users/nope", "/nothing/here", "/users/me/config/nope", "/users/admin/users/x/y/z"]),
      headers: c.headers(),
      expect: [404],
    }),
  (c) =>
    c.http("DELETE|PATCH|POST /users/me [wrong method]", {
      method: pick(["DELETE", "PATCH", "POST"]),
      path: "/users/me",
      headers: c.headers(),
      expect: [405],
    }),
  (c) =>
    c.http("GET /users/me [wrong token]", {
      path: "/users/me",
      headers: pick([
        { authorization: "Bearer not-a-token" },
        { authorization: `Bearer ${"A".repeat(43)}` },
        { authorization: "Basic YWRtaW46YWRtaW4=" },
        {},
        { cookie: "session=forged" },
      ]),
      expect: [401],
    }),
  (c) =>
    c.http("GET /users/admin/users [not an admin]", {
      path: "/users/admin/users",
      headers: c.headers(),
      expect: [403],
    }),
  (c) =>
    c.http("POST /users/me/config/import [not multipart]", {
      method: "POST",
      path: "/users/me/config/import",
      headers: c.headers(undefined, { "content-type": "application/json" }),
      body: "{}",
      expect: [415],
    }),
  (c) =>
    c.http("POST /users/me/config/import [bad YAML]", {
      method: "POST",
      path: "/users/me/config/import?dry_run=true",
      headers: c.headers(),
      body: multipart(
        pick([
          "version: 1\npreferences: [unclosed",
          "version: 1\nversion: 1\n",
          "version: 2\npreferences: {}\n",
        ]),
      ),
      expect: [400, 422],
    }),
  (c) =>
    c.http("POST /users/login/local [422 body]", {
      method: "POST",
      path: "/users/login/local",
      headers: { "content-type": "application/json", "cf-connecting-ip": c.ip },
      body: json(pick([{ username: "x" }, { username: "", password: "y" }, { user: "x", password: "y" }])),
      expect: [422],
    }),
];

/** Weighted like real use: mostly reading one's own state, few writes, rare sign-ins. */
const MIX = [
  [20, (c) => c.getMe()],
  [14, (c) => c.getConfig()],
  [5, (c) => c.putConfig(false)],
  [1, (c) => c.putConfig(true)],
  [0.5, (c) => c.putConfigRace()],
  [8, (c) => c.getProviders()],
  [5, (c) => c.getModels()],
  [4, (c) => c.getProfile()],
  [4, (c) => c.putProfile()],
  [3, (c) => c.listUsers()],
  [3, (c) => c.searchUsers()],
  [1, (c) => c.listGroups()],
  [1, (c) => c.groupCycle()],
  [2, (c) => c.audit()],
  [1.5, (c) => c.exportImport()],
  [1, (c) => c.importReal()],
  [8, (c) => c.bad()],
  // Sign-ins cost ~200 ms of scrypt each: skipped when the client's per-minute budget is spent.
  [0.6, (c) => (c.canSignIn() ? c.sessionCycle() : c.getMe())],
  [0.3, (c) => (c.canSignIn() ? c.wrongPassword() : c.getMe())],
];
const MIX_TOTAL = MIX.reduce((sum, [w]) => sum + w, 0);

function chooseAction() {
  let x = Math.random() * MIX_TOTAL;
  for (const [weight, action] of MIX) {
    x -= weight;
    if (x < 0) return action;
  }
  return MIX[0][1];
}

async function drive(clients, seconds, stats) {
  const deadline = Date.now() + seconds * 1000;
  // Each loop is bounded by the deadline and by the request budget.
  await Promise.all(
    clients.map(async (client) => {
      for (let k = 0; k < 10_000_000 && Date.now() < deadline && stats.requests < MAX_REQUESTS; k++) {
        try {
          await chooseAction()(client);
        } catch (error) {
          // A bug in this script, not in the Worker: counted and shown, the client carries on.
          stats.scriptErrors++;
          if (stats.scriptErrorSamples.length < 5)
            stats.scriptErrorSamples.push(String(error?.stack ?? error));
        }
        if (THINK_MS > 0) await sleep(Math.random() * 2 * THINK_MS);
      }
    }),
  );
}

// ---------------------------------------------------------------------------------------------
// Output

const kib = (x) => `${(x / 1024).toFixed(1)} MiB`;

function markdownTable(routes) {
  const rows = routes.map((r) => {
    const statuses = Object.entries(r.statuses)
      .map(([s, n]) => `${s}×${n}`)
      .join(" ");
    return `| ${r.route} | ${r.count} | ${statuses} | ${r.p50_ms} | ${r.p99_ms} | ${r.errors_5xx} |`;
  });
  return [
    "| route | requests | statuses | p50 ms | p99 ms | 5xx |",
    "|---|---|---|---|---|---|",
    ...rows,
  ].join("\n");
}

function memoryLine(m) {
  return `workerd ${kib(m.workerd_rss_kib)}, wrangler tree ${kib(m.wrangler_tree_rss_kib)}, soak script ${kib(m.node_rss_kib)}`;
}

function perProcess(start, end) {
  return start.workerd_processes
    .map((p) => {
      const after = end.workerd_processes.find((q) => q.pid === p.pid);
      return `${p.role} ${kib(p.rss_kib)} → ${after ? kib(after.rss_kib) : "gone"}`;
    })
    .join("; ");
}

function everyMinute(samples) {
  const per = Math.max(1, Math.round(60_000 / MEMORY_SAMPLE_MS));
  const picked = samples.filter((_, k) => k % per === 0 || k === samples.length - 1);
  return `${picked.map((m) => kib(m.workerd_rss_kib).replace(" MiB", "")).join(", ")} MiB`;
}

function writeBenchmarksMd(report, file) {
  const md = path.join(root, "BENCHMARKS.md");
  const existing = readFileSync(md, "utf8");
  const [head, ...rest] = existing.split("\n## ");
  const t = report.totals;
  const [start, end] = [report.memory.start, report.memory.end];
  const section = `${report.date.slice(0, 10)} — Soak, ${report.machine.nproc} cores (${report.machine.cpu}), Node ${report.machine.node}

\`npm run soak\`: ${report.settings.duration_s} s of mixed traffic (after ${report.settings.warmup_s} s of warm-up) from ${report.settings.clients} concurrent virtual clients against \`wrangler dev\`, ${USERS.toLocaleString("en")} seeded users, production rate limits; each client has its own user and administrator session and \`cf-connecting-ip\`. Latencies are client-side, over all of a route's requests. Raw data: \`${file}\`.

**${t.requests} requests** (${t.requests_per_second} req/s), **${t.errors_5xx} 5xx**, ${t.transport_errors} without response, ${t.unexpected} with a status the scenario did not expect. Load average (1 min) ${report.machine.loadavg_1m_start} at the start and ${report.machine.loadavg_1m_end} at the end: the 2 cores are shared, so latencies include other work.

Memory (VmRSS) after warm-up → end: workerd ${kib(start.workerd_rss_kib)} → ${kib(end.workerd_rss_kib)} (${perProcess(start, end)}); wrangler's whole process tree ${kib(start.wrangler_tree_rss_kib)} → ${kib(end.wrangler_tree_rss_kib)}; soak script ${kib(start.node_rss_kib)} → ${kib(end.node_rss_kib)}. workerd over the run, every ~60 s: ${everyMinute(report.memory.samples)}.

Latency of all routes together per 30 s window (p50 / p99 ms): ${report.windows_30s.map((w) => `${w.p50_ms} / ${w.p99_ms}`).join(", ")}.

${markdownTable(report.routes)}
`;
  writeFileSync(md, [head.trimEnd(), `\n## ${section}`, ...rest.map((r) => `## ${r}`)].join("\n"));
}

// ---------------------------------------------------------------------------------------------

async function main() {
  const date = new Date().toISOString();
  const machine = { nproc: cpus().length, cpu: cpus()[0]?.model ?? "unknown", node: process.version };
  console.log(
    `Soak: ${SOAK_SECONDS} s (+${WARMUP_SECONDS} s warm-up), ${CLIENTS} clients; seeding ${USERS} users…`,
  );
  const seedFile = path.join(mkdtempSync(path.join(tmpdir(), "edge-users-seed-")), "seed.sql");
  writeFileSync(seedFile, seedSql({ users: USERS, admins: Math.max(5, CLIENTS) }));

  let worker;
  let stopped = false;
  const stop = () => {
    if (stopped || !worker) return;
    stopped = true;
    const pids = descendants(worker.pid).map((p) => p.pid);
    try {
      worker.stop();
    } catch {
      // already gone
    }
    return pids;
  };
  // Whatever happens, wrangler does not outlive the script.
  const onSignal = (signal) => {
    stop();
    process.exit(signal === "SIGINT" ? 130 : 143);
  };
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);
  const watchdog = setTimeout(
    () => {
      console.error("Soak watchdog: the run took far longer than planned; stopping wrangler.");
      stop();
      process.exit(2);
    },
    (SOAK_SECONDS + WARMUP_SECONDS + 300) * 1000,
  );

  try {
    worker = await startWorker({ seedFile, realLimits: true });
    const health = await fetch(`${worker.url}/api/v1/health`, { signal: AbortSignal.timeout(5000) });
    if (!health.ok) throw new Error(`wrangler dev did not come up (${health.status})`);

    const stats = { requests: 0, scriptErrors: 0, scriptErrorSamples: [] };
    const recorder = { current: new Recorder() };
    const http = makeHttp(worker.url, recorder, stats);
    const clients = Array.from({ length: CLIENTS }, (_, i) => new Client(i, http));
    // Sequentially: 2 sign-ins per client, each a full password hash.
    for (const client of clients) await client.setup();

    console.log(`Warm-up ${WARMUP_SECONDS} s…`);
    const warmup = recorder.current;
    await drive(clients, WARMUP_SECONDS, stats);
    const memoryStart = memorySnapshot(worker.pid, "after warm-up");
    console.log(`Memory after warm-up: ${memoryLine(memoryStart)}`);

    const soak = new Recorder();
    recorder.current = soak;
    const samples = [memoryStart];
    const sampler = setInterval(() => {
      const m = memorySnapshot(worker.pid, "sample");
      samples.push(m);
      console.log(
        `  ${Math.round((performance.now() - soak.startedAt) / 1000)} s: ${soak.total} requests; ${memoryLine(m)}`,
      );
    }, MEMORY_SAMPLE_MS);
    const started = performance.now();
    const loadAtStart = loadavg()[0];
    await drive(clients, SOAK_SECONDS, stats);
    const elapsed = (performance.now() - started) / 1000;
    clearInterval(sampler);
    const memoryEnd = memorySnapshot(worker.pid, "end");
    samples.push(memoryEnd);

    machine.loadavg_1m_start = round(loadAtStart);
    machine.loadavg_1m_end = round(loadavg()[0]);
    const routes = soak.summary();
    const failures = [...warmup.failures, ...soak.failures];
    const report = {
      date,
      machine,
      settings: {
        duration_s: SOAK_SECONDS,
        warmup_s: WARMUP_SECONDS,
        clients: CLIENTS,
        think_ms_mean: THINK_MS,
        signins_per_minute_per_client: SIGNINS_PER_MINUTE,
        users: USERS,
        request_timeout_ms: REQUEST_TIMEOUT_MS,
      },
      totals: {
        requests: soak.total,
        elapsed_s: round(elapsed),
        requests_per_second: Math.round(soak.total / elapsed),
        errors_5xx: routes.reduce((n, r) => n + r.errors_5xx, 0),
        transport_errors: routes.reduce((n, r) => n + r.transport_errors, 0),
        unexpected: soak.unexpectedCount,
        warmup_requests: warmup.total,
        warmup_failures: warmup.failureCount,
        script_errors: stats.scriptErrors,
      },
      routes,
      windows_30s: soak.windowSummary(),
      memory: { start: memoryStart, end: memoryEnd, samples },
      failures,
      unexpected: [...warmup.unexpected, ...soak.unexpected].slice(0, 20),
    };

    const file = path.join(root, "bench/results", `${date.slice(0, 10)}-soak.json`);
    writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
    writeBenchmarksMd(report, path.relative(root, file));

    console.log(`\n${markdownTable(routes)}\n`);
    console.log("Over time (30 s windows):");
    for (const w of report.windows_30s)
      console.log(`  ${w.from_s} s: ${w.requests} requests, p50 ${w.p50_ms} ms, p99 ${w.p99_ms} ms`);
    const t = report.totals;
    console.log(
      `\n${t.requests} requests in ${t.elapsed_s} s (${t.requests_per_second} req/s); 5xx: ${t.errors_5xx}; ` +
        `no response: ${t.transport_errors}; unexpected status: ${t.unexpected}; warm-up failures: ${t.warmup_failures}`,
    );
    console.log(`Memory after warm-up: ${memoryLine(memoryStart)}`);
    console.log(`Memory at the end:    ${memoryLine(memoryEnd)}`);
    if (stats.scriptErrors > 0) {
      console.log(`\nErrors in the soak script itself: ${stats.scriptErrors}`);
      for (const e of stats.scriptErrorSamples) console.log(e);
    }
    if (report.unexpected.length > 0) {
      console.log("\nUnexpected statuses (first few):");
      for (const u of report.unexpected.slice(0, 5)) console.log(JSON.stringify(u));
    }
    console.log(`Wrote ${path.relative(root, file)} and BENCHMARKS.md`);
    if (failures.length > 0) {
      console.error("\nFAILED: 5xx or no response. First few:");
      for (const f of failures.slice(0, 5)) console.error(JSON.stringify(f, null, 2));
      process.exitCode = 1;
    }
  } finally {
    clearTimeout(watchdog);
    const pids = stop() ?? [];
    // Give wrangler a moment to take workerd down, then make sure nothing we started survives.
    for (let i = 0; i < 20 && pids.some((pid) => rssKiB(pid) > 0); i++) await sleep(250);
    for (const pid of pids) {
      try {
        if (rssKiB(pid) > 0) process.kill(pid, "SIGKILL");
      } catch {
        // gone
      }
    }
  }
}

await main();
