import { createExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { z } from "zod";
import worker from "../../src/index";
import { call, createSignedInUser, createUser, type RawRequest, randomIp } from "../helpers";
import { startFakeIdp } from "../oidc/fake-idp";
import { createGroupWithMember } from "../seed";
import { describeChange, diffSnapshots, type RowChange, type Snapshot, snapshotD1 } from "./d1-snapshot";
import { OpenApiDocumentZ, type Operation, operationsOf } from "./json-schema";
import { bodyInit, caseArbitrary, describeCase, type RequestCase, urlOf } from "./request-cases";
import { schemaArbitrary, unmatchablePatterns } from "./schema-arbitrary";

/**
 * Property-based fuzzing of every operation in the OpenAPI document the Worker serves, so new
 * routes are covered without touching this file. Each operation is fuzzed as three callers.
 * Properties: never a 5xx; every error in the documented shape; a refused request (≥ 400) leaves
 * D1 as it was, except for the failure counters and audit rows a failed sign-in records by design.
 *
 * FUZZ_SEED fixes the seed (printed with every failure); FUZZ_RUNS sets the runs per operation and
 * caller (`npm run fuzz` runs many more than `npm test`).
 */
const BASE_SEED = env.FUZZ_SEED
  ? Number(env.FUZZ_SEED)
  : (crypto.getRandomValues(new Uint32Array(1))[0] ?? 0);
const RUNS = env.FUZZ_RUNS ? Number(env.FUZZ_RUNS) : 10;
/** The bounded run's budget for all fuzz tests together (npm test); none when FUZZ_RUNS is set. */
const BOUNDED_BUDGET_MS = 40_000;

const doc = OpenApiDocumentZ.parse(await (await call("/openapi.json")).json());
const components = doc.components?.schemas ?? {};
const operations = operationsOf(doc);
const TIME_SHARE_MS = env.FUZZ_RUNS ? undefined : BOUNDED_BUDGET_MS / (operations.length * 3);

type CallerKind = "anonymous" | "user" | "admin";
interface Session {
  id: string;
  username: string;
  password: string;
  token: string;
}

// ---- the documented error shapes -------------------------------------------------------------

const ErrorBodyZ = z.strictObject({ detail: z.string(), code: z.string() });
const ValidationBodyZ = z.strictObject({
  detail: z
    .array(
      z.strictObject({ loc: z.array(z.union([z.string(), z.number()])), msg: z.string(), type: z.string() }),
    )
    .min(1),
});

/** Messages of the JavaScript engine or the database, which an error detail must never pass on. */
const ENGINE_INTERNALS =
  /Maximum call stack size exceeded|(?:Range|Type|Reference|Syntax)Error\b|is not a function|Cannot read properties|SQLITE_\w+|D1_\w+|FOREIGN KEY constraint|UNIQUE constraint|\bat \S+ \(\S+:\d+:\d+\)/;

function responseProblems(status: number, contentType: string, text: string): string[] {
  if (status >= 500) return [`answered ${status}`];
  if (status < 400) return [];
  if (!contentType.includes("application/json")) return [`error ${status} is not JSON (${contentType})`];
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return [`error ${status} body does not parse as JSON`];
  }
  const shape = status === 422 ? ValidationBodyZ : ErrorBodyZ;
  const parsed = shape.safeParse(body);
  if (!parsed.success) return [`error ${status} is not in the documented shape: ${parsed.error.message}`];
  const leak = ENGINE_INTERNALS.exec(text);
  return leak ? [`error ${status} leaks an engine or database message: ${JSON.stringify(leak[0])}`] : [];
}

// ---- D1 must not change when a request is refused ----------------------------------------------

const isLocalSignIn = (op: Operation) => op.method === "POST" && op.path === "/api/v1/users/login/local";
/** Checks a password under the account lockout: a wrong one counts like a failed sign-in. */
const LOCKOUT_COUNTED = new Set([
  "PUT /api/v1/users/password",
  "POST /api/v1/users/me/reauthenticate",
  "POST /api/v1/users/login/mfa",
  "POST /api/v1/users/login/passkey",
]);
const checksPassword = (op: Operation) => isLocalSignIn(op) || LOCKOUT_COUNTED.has(`${op.method} ${op.path}`);
const SIGN_IN_FAILURE_ACTIONS = new Set(["auth.login_failed", "auth.account_locked"]);

/**
 * The documented exception: a refused local sign-in, or a password change with a wrong current
 * password, counts the failure on the account (and may lock it) and writes an audit row, so
 * lockout works (docs/security.md). Nothing else may change.
 */
function allowedOnRefusal(op: Operation, change: RowChange): boolean {
  if (!checksPassword(op)) return false;
  if (change.table === "users")
    return (
      change.before !== undefined &&
      change.after !== undefined &&
      change.columns.every((c) => c === "failed_attempts" || c === "locked_until")
    );
  if (change.table === "audit_log")
    return change.before === undefined && SIGN_IN_FAILURE_ACTIONS.has(String(change.after?.action));
  return false;
}

// ---- callers -------------------------------------------------------------------------------------

const MeZ = z.object({ role: z.string(), status: z.string(), must_change_password: z.boolean() });

/** Signed-in callers, re-created when a generated request ended their session or changed them. */
class Callers {
  private sessions: Partial<Record<"user" | "admin", Session>> = {};
  private suspect = new Set<"user" | "admin">();
  /** Set when the harness itself wrote to D1, so the last snapshot is stale. */
  wrote = false;

  async session(kind: "user" | "admin"): Promise<Session> {
    const current = this.sessions[kind];
    if (current && (!this.suspect.has(kind) || (await this.stillUsable(current, kind)))) {
      this.suspect.delete(kind);
      return current;
    }
    const fresh = await createSignedInUser(kind === "admin" ? { role: "admin" } : {});
    this.sessions[kind] = fresh;
    this.suspect.delete(kind);
    this.wrote = true;
    return fresh;
  }

  /** After a request that may have changed the caller (it succeeded, or it was a sign-in). */
  markSuspect(kind: "user" | "admin") {
    this.suspect.add(kind);
  }

  private async stillUsable(session: Session, kind: "user" | "admin") {
    const res = await direct("/users/me", { token: session.token });
    if (res.status !== 200) return false;
    const me = MeZ.safeParse(await res.json());
    return (
      me.success && me.data.role === kind && me.data.status === "ACTIVE" && !me.data.must_change_password
    );
  }
}

const callers = new Callers();

/**
 * Values the server knows: `resources` (ids and names of a user in a group, the caller itself),
 * offered to path parameters and strings; `words` (a real password, provider ids) to strings only.
 */
async function knownValues(kind: CallerKind): Promise<{ resources: string[]; words: string[] }> {
  const victim = await createUser();
  const groupId = await createGroupWithMember({}, victim.id);
  const groupName = `g-${groupId}`;
  callers.wrote = true;
  const own = kind === "anonymous" ? [] : [await callers.session(kind)];
  const resources = [
    victim.id,
    victim.username,
    groupId,
    groupName,
    "ungrouped",
    ...own.flatMap((s) => [s.id, s.username]),
  ];
  return { resources, words: [...resources, victim.password, ...providerIds] };
}

let providerIds: string[] = [];

// ---- the property --------------------------------------------------------------------------------

/**
 * Straight into the Worker's fetch handler (src/index.ts, what production serves). Not through
 * `exports.default` (helpers' `call`): the pool (vitest-pool-workers 0.23) wraps the entrypoint's
 * prototype in one more Proxy on every call, so each call gets slower and a few thousand calls
 * overflow the stack ("Maximum call stack size exceeded" in test-internal.mjs).
 */
const direct = (path: string, options: RawRequest = {}) =>
  call(path, {
    ...options,
    worker: (request) => Promise.resolve(worker.fetch(request, env, createExecutionContext())),
  });

async function send(op: Operation, c: RequestCase, session: Session | undefined): Promise<Response> {
  const { body, contentType } = bodyInit(c.body);
  const headers = new Headers(c.headers);
  headers.set("cf-connecting-ip", randomIp());
  if (contentType) headers.set("content-type", contentType);
  if (c.credential === "session" && session) headers.set("authorization", `Bearer ${session.token}`);
  if (c.credential === "garbage-bearer")
    headers.set("authorization", `Bearer ${session?.id ?? "x"}.${"A".repeat(43)}`);
  if (c.credential === "garbage-cookie") headers.set("cookie", "session=%00%ff; __Host-session=..");
  return direct(urlOf(op, c), {
    method: op.method,
    headers: Object.fromEntries(headers.entries()),
    ...(body === undefined ? {} : { body }),
  });
}

/** One generated request: checks the three properties, throws a readable report when one fails. */
/** A property that does not hold (as opposed to an error of the harness itself). */
class Finding extends Error {}

async function exercise(op: Operation, kind: CallerKind, c: RequestCase, state: { last?: Snapshot }) {
  const session = kind === "anonymous" ? undefined : await callers.session(kind);
  if (callers.wrote || !state.last) {
    state.last = await snapshotD1();
    callers.wrote = false;
  }
  const before = state.last;
  const res = await send(op, c, session);
  const text = await res.text();
  const after = await snapshotD1();
  state.last = after;
  if (kind !== "anonymous" && (res.status < 400 || checksPassword(op))) callers.markSuspect(kind);

  const problems = responseProblems(res.status, res.headers.get("content-type") ?? "", text);
  if (res.status >= 400) {
    const changes = diffSnapshots(before, after).filter((change) => !allowedOnRefusal(op, change));
    if (changes.length > 0)
      problems.push(
        `refused with ${res.status} but changed D1:\n    ${changes.map(describeChange).join("\n    ")}`,
      );
  }
  if (problems.length > 0) {
    const shownBody = text.length > 600 ? `${text.slice(0, 600)}…(${text.length} chars)` : text;
    throw new Finding(
      `${problems.join("\n")}\n  request (as ${kind}):\n  ${describeCase(op, c)}\n  response: ${res.status} ${shownBody}`,
    );
  }
}

/** A stable per-test seed derived from the base seed, so `-t <name>` reproduces one test alone. */
function seedFor(name: string): number {
  let hash = BASE_SEED | 0;
  for (const char of name) hash = Math.imul(hash ^ char.charCodeAt(0), 16777619);
  return hash;
}

const executed = { requests: 0, tests: 0 };

/**
 * Runs the property for one operation and caller. In the bounded run (no FUZZ_RUNS) each test
 * also has a time share, so the file stays within budget on a loaded machine: past it, remaining
 * runs pass without sending anything, unless a failure is being shrunk.
 */
async function fuzz(op: Operation, kind: CallerKind, name: string) {
  const known = await knownValues(kind);
  const arbitrary = caseArbitrary(op, { components, dictionary: known.words }, known.resources);
  const state: { last?: Snapshot } = {};
  const deadline = TIME_SHARE_MS === undefined ? Number.POSITIVE_INFINITY : Date.now() + TIME_SHARE_MS;
  let failing = false;
  let sent = 0;
  const details = await fc.check(
    fc.asyncProperty(arbitrary, async (c) => {
      if (!failing && Date.now() > deadline) return;
      sent += 1;
      try {
        await exercise(op, kind, c, state);
      } catch (error) {
        failing = true;
        throw error;
      }
    }),
    { numRuns: RUNS, seed: seedFor(name) },
  );
  executed.requests += sent;
  executed.tests += 1;
  if (!details.failed) return;
  const error = details.errorInstance;
  // A finding explains itself; anything else is the harness failing, and its stack says where.
  const cause =
    error instanceof Finding
      ? error.message
      : error instanceof Error
        ? (error.stack ?? error.message)
        : String(error);
  throw new Error(
    `${name}\n${cause}\n\n(found at run ${details.numRuns}, shrunk ${details.numShrinks} times; reproduce with FUZZ_SEED=${BASE_SEED} FUZZ_RUNS=${details.numRuns} npx vitest run test/fuzz -t ${JSON.stringify(name)}; fast-check seed ${details.seed}, path ${details.counterexamplePath})`,
  );
}

// ---- tests ---------------------------------------------------------------------------------------

beforeAll(async () => {
  await startFakeIdp();
  const user = await createSignedInUser();
  const res = await call("/users/me/config/providers", { token: user.token });
  const providers = z.object({ data: z.array(z.object({ id: z.string() })) }).parse(await res.json());
  providerIds = [...new Set(providers.data.map((p) => p.id))];
});

afterAll(() => {
  vi.restoreAllMocks();
  console.log(
    `fuzz: ${executed.requests} requests in ${executed.tests} operation × caller tests (seed ${BASE_SEED}, up to ${RUNS} runs each${TIME_SHARE_MS === undefined ? "" : `, ${Math.round(TIME_SHARE_MS)} ms each`})`,
  );
});

describe("the OpenAPI document drives the fuzzer", () => {
  const bodies = operations.flatMap((op) => (op.jsonBody ? [op.jsonBody.schema] : []));
  const valid = { components, dictionary: [], hostile: false };

  it("lists every operation, and the generator builds a request body for each JSON body schema", () => {
    expect(operations.length).toBeGreaterThan(30);
    for (const schema of bodies) expect(fc.sample(schemaArbitrary(schema, valid), 3)).toHaveLength(3);
  });

  it("notices a changed row, and lets a failed sign-in change only its counters and audit rows", async () => {
    const victim = await createUser();
    const signIn = operations.find(isLocalSignIn);
    if (!signIn) throw new Error("the document has no POST /users/login/local");
    const before = await snapshotD1();
    const res = await direct("/users/login/local", {
      method: "POST",
      json: { username: victim.username, password: "wrong" },
      headers: {
        "cf-connecting-ip": randomIp(),
      },
    });
    expect(res.status).toBe(401);
    const changes = diffSnapshots(before, await snapshotD1());
    expect(changes.map((c) => c.table).sort()).toEqual(["audit_log", "users"]);
    expect(changes.filter((c) => !allowedOnRefusal(signIn, c))).toEqual([]);
    const other = operations.find((op) => !isLocalSignIn(op));
    expect(other && changes.filter((c) => !allowedOnRefusal(other, c))).toHaveLength(2);
  });

  it("documents only string patterns that some string can match", () => {
    for (const schema of bodies) schemaArbitrary(schema, valid);
    expect([...unmatchablePatterns]).toEqual([]);
  });
});

const timeout = 60_000 + RUNS * 3_000;
for (const kind of ["anonymous", "user", "admin"] as const) {
  describe(`fuzzed as ${kind === "anonymous" ? "an anonymous caller" : kind === "user" ? "a signed-in user" : "an administrator"}`, () => {
    for (const op of operations) {
      const name = `${op.method} ${op.path} as ${kind} never answers 5xx, answers errors in the documented shape, and changes nothing in D1 when it refuses`;
      it(name, () => fuzz(op, kind, name), timeout);
    }
  });
}
