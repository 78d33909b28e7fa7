import { beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import {
  call,
  createSignedInUserInGroup,
  createUser,
  login,
  loginAdmin,
  type RawRequest,
  sessionFrom,
} from "../helpers";
import { setUser } from "../seed";

/**
 * The published OpenAPI document is the API contract (docs/openapi.md). This file keeps it honest:
 * the committed docs/openapi.json equals what the Worker serves (`npm run lint:openapi` lints that
 * file), every operation has an operationId, and every operation declares, with the shared error
 * schemas, each status the shared middleware and validators can answer for it; the probes below
 * then call every operation and check that what it really answers is declared.
 */

const Operation = z.object({
  operationId: z.string().optional(),
  security: z.array(z.record(z.string(), z.array(z.string()))).optional(),
  parameters: z.array(z.object({ name: z.string(), in: z.string() })).default([]),
  requestBody: z.object({ content: z.record(z.string(), z.unknown()) }).optional(),
  responses: z.record(
    z.string(),
    z.object({
      description: z.string(),
      content: z.record(z.string(), z.object({ schema: z.unknown() })).optional(),
    }),
  ),
});
const Document = z.object({
  openapi: z.string(),
  paths: z.record(z.string(), z.record(z.string(), Operation)),
});
type Operation = z.infer<typeof Operation>;

const ErrorRef = z.strictObject({
  $ref: z.enum(["#/components/schemas/Error", "#/components/schemas/ValidationError"]),
});
const ErrorSchemaOf = z.union([
  ErrorRef,
  z.strictObject({ anyOf: z.array(ErrorRef).min(2) }),
  z.strictObject({ oneOf: z.array(ErrorRef).min(2) }),
]);

let raw = "";
let operations: { method: string; path: string; op: Operation }[] = [];

beforeAll(async () => {
  const res = await call("/openapi.json");
  expect(res.status).toBe(200);
  const json: unknown = await res.json();
  raw = `${JSON.stringify(json, null, 2)}\n`;
  const doc = Document.parse(json);
  operations = Object.entries(doc.paths).flatMap(([path, item]) =>
    Object.entries(item).map(([method, op]) => ({ method, path, op })),
  );
});

const declared = (op: Operation) => Object.keys(op.responses).map(Number);
/** The request path of an operation, with every path parameter filled in. */
const concrete = (path: string) => path.replace("/api/v1", "").replace(/\{[^}]+\}/g, "x");

/** What the shared middleware and validators can answer for an operation, from its declaration. */
function requiredStatuses(path: string, op: Operation): number[] {
  const required = [500];
  if (op.requestBody) required.push(400, 413, 415, 422);
  if (op.parameters.length > 0) required.push(422);
  if ((op.security ?? []).length > 0) required.push(401);
  if (path.startsWith("/api/v1/users/admin/")) required.push(403);
  return [...new Set(required)].sort((a, b) => a - b);
}

describe("OpenAPI contract", () => {
  it("is the committed docs/openapi.json (regenerate with `npx vitest run test/contract -u`)", async () => {
    await expect(raw).toMatchFileSnapshot("../../docs/openapi.json");
  });

  it("names every operation with a unique camelCase operationId", () => {
    const ids = operations.map((o) => o.op.operationId);
    for (const id of ids) expect(id).toMatch(/^[a-z]+[A-Z][A-Za-z]*$|^[a-z]+$/);
    const all = operations.map((o) => o.op.operationId).filter((id) => id !== undefined);
    expect(new Set(all).size).toBe(all.length);
  });

  it("states every operation's security, and declares what its traits imply", () => {
    for (const { method, path, op } of operations) {
      const where = `${method.toUpperCase()} ${path}`;
      expect(op.security, where).toBeDefined();
      expect(declared(op), where).toEqual(expect.arrayContaining(requiredStatuses(path, op)));
    }
  });

  it("describes every error with the shared error schemas", () => {
    for (const { method, path, op } of operations) {
      for (const [status, response] of Object.entries(op.responses)) {
        if (Number(status) < 400) continue;
        const schema = response.content?.["application/json"]?.schema;
        expect(ErrorSchemaOf.safeParse(schema).success, `${method} ${path} ${status}`).toBe(true);
      }
    }
  });

  it("publishes only patterns that are valid ECMA-262 without flags", () => {
    const patterns = [...raw.matchAll(/"pattern": ("(?:[^"\\]|\\.)*")/g)].map((m) =>
      z.string().parse(JSON.parse(m[1] ?? "")),
    );
    expect(patterns.length).toBeGreaterThan(0);
    for (const pattern of patterns) {
      expect(() => new RegExp(pattern), pattern).not.toThrow();
      expect(pattern, "a Unicode property escape means nothing without the u flag").not.toMatch(/\\[pP]\{/);
      expect(pattern, "a stray /flags suffix").not.toMatch(/\/[dgimsuvy]+$/);
    }
  });
});

/** A key of a new service account holding every service scope. */
async function serviceAccountToken(admin: string): Promise<string> {
  const name = `contract-${crypto.randomUUID().slice(0, 8)}`;
  const created = await call("/users/admin/service-accounts", {
    method: "POST",
    json: { name },
    token: admin,
  });
  const { id } = z.object({ id: z.string() }).parse(await created.json());
  const body = { name: "contract", scopes: ["config:resolve", "credentials:mint"] };
  const key = await call(`/users/admin/service-accounts/${id}/keys`, {
    method: "POST",
    json: body,
    token: admin,
  });
  return z.object({ token: z.string() }).parse(await key.json()).token;
}

describe("OpenAPI contract: every operation answers only what it declares", () => {
  const expectDeclared = (where: string, op: Operation, status: number) =>
    expect(declared(op), `${where} answered ${status}`).toContain(status);

  it("secured operations answer 401 without a session", async () => {
    for (const { method, path, op } of operations) {
      if ((op.security ?? []).length === 0) continue;
      const res = await call(concrete(path), { method: method.toUpperCase() });
      expect(res.status, `${method} ${path}`).toBe(401);
      expectDeclared(`${method} ${path}`, op, res.status);
    }
  });

  it("operations with a JSON body answer 400, 415 and 413 for a broken body", async () => {
    const admin = await loginAdmin();
    const service = await serviceAccountToken(admin.token);
    /** Service-account routes are called with a service account's key, the others with a session. */
    const tokenFor = (op: Operation) =>
      (op.security ?? []).every((s) => "serviceAccountKey" in s) ? service : admin.token;
    const broken: [RawRequest, number][] = [
      [{ body: "{not json", headers: { "content-type": "application/json" } }, 400],
      [{ body: "{}", headers: { "content-type": "text/plain" } }, 415],
      [
        { body: JSON.stringify({ x: "y".repeat(70_000) }), headers: { "content-type": "application/json" } },
        413,
      ],
    ];
    for (const { method, path, op } of operations) {
      if (!op.requestBody?.content["application/json"]) continue;
      for (const [init, status] of broken) {
        const res = await call(concrete(path), {
          ...init,
          method: method.toUpperCase(),
          token: tokenFor(op),
        });
        expect(res.status, `${method} ${path}`).toBe(status);
        expectDeclared(`${method} ${path}`, op, status);
      }
    }
  });

  /** Calls every secured operation with the token and checks each answer is declared. */
  async function probeSecuredOperations(token: string) {
    // Logout last: it ends the session the others use.
    const secured = operations
      .filter((o) => (o.op.security ?? []).length > 0)
      .sort((a, b) => Number(a.op.operationId === "logout") - Number(b.op.operationId === "logout"));
    for (const { method, path, op } of secured) {
      const init: RawRequest = op.requestBody
        ? { method: method.toUpperCase(), body: "{}", headers: { "content-type": "application/json" } }
        : { method: method.toUpperCase() };
      const res = await call(concrete(path), { ...init, token });
      expectDeclared(`${method} ${path}`, op, res.status);
    }
  }

  it("secured operations declare what a user with a pending password change gets", async () => {
    const user = await createUser();
    await setUser(user.id, { mustChangePassword: true });
    const { token } = await sessionFrom(await login(user.username, user.password));
    await probeSecuredOperations(token);
  });

  it("secured operations declare what a user who must enrol a second factor gets", async () => {
    const user = await createSignedInUserInGroup({ require_mfa: true });
    await probeSecuredOperations(user.token);
  });
});
