import { describe, expect, it } from "vitest";
import { z } from "zod";
import { bodyAt, call, createSignedInUser, createSignedInUserInGroup, loginAdmin } from "../helpers";
import { lastAudit, maxPreferencesVersion, preferencesRowCount } from "../seed";
import { uploadYaml as upload } from "./requests";

const ImportResult = z.object({
  dry_run: z.boolean(),
  changes: z.array(z.object({ section: z.string(), field: z.string(), from: z.unknown(), to: z.unknown() })),
});

const VALID = `version: 1
preferences:
  llm:
    provider: anthropic
    model: claude-sonnet-4-6
    options:
      temperature: 0.2
  tts: null
  stt:
    provider: deepgram
    api_key: dg-imported-key-4321
`;

describe("GET /users/me/config/export", () => {
  it("is for administrators only", async () => {
    const user = await createSignedInUser();
    expect((await user.api.users.me.config.export.$get()).status).toBe(403);
  });

  it("returns YAML with a filename, a version and masked secrets", async () => {
    const admin = await loginAdmin();
    await admin.api.users.me.config.$put({
      header: {},
      json: { llm: { provider: "openai", api_key: "sk-export-secret-wxyz" } },
    });
    const res = await admin.api.users.me.config.export.$get();
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("application/yaml");
    expect(res.headers.get("content-disposition")).toBe('attachment; filename="preferences-admin.yaml"');
    const text = await res.text();
    expect(text).toMatch(/^version: 1$/m);
    expect(text).toMatch(/api_key: ["']?\*{8}wxyz/);
    expect(text).not.toContain("sk-export-secret");
  });

  it("export then import is a no-op that keeps the stored key", async () => {
    const admin = await loginAdmin();
    await admin.api.users.me.config.$put({
      header: {},
      json: { tts: { provider: "elevenlabs", model: "eleven_v3", api_key: "xi-round-trip-5555" } },
    });
    const before = await maxPreferencesVersion();
    const yaml = await (await admin.api.users.me.config.export.$get()).text();
    const res = await upload(admin.token, yaml);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ dry_run: false, changes: [] });
    expect(await maxPreferencesVersion()).toBe(before);
    const config = await bodyAt(await admin.api.users.me.config.$get(), 200);
    expect(config.overrides.tts?.api_key).toEqual({ set: true, last4: "5555" });
  });
});

describe("POST /users/me/config/import", () => {
  it("dry run reports the changes and writes nothing", async () => {
    const user = await createSignedInUser();
    const res = await upload(user.token, VALID, "?dry_run=true");
    expect(res.status).toBe(200);
    const body = ImportResult.parse(await res.json());
    expect(body.dry_run).toBe(true);
    expect(body.changes).toEqual(
      expect.arrayContaining([
        { section: "llm", field: "provider", from: null, to: "anthropic" },
        { section: "stt", field: "api_key", from: null, to: "set" },
      ]),
    );
    expect(await preferencesRowCount(user.id)).toBe(0);
  });

  it("applies the document in one batch, with an audit record and an encrypted key", async () => {
    const user = await createSignedInUser();
    const res = await upload(user.token, VALID);
    expect(res.status).toBe(200);
    const config = await bodyAt(await user.api.users.me.config.$get(), 200);
    expect(config.overrides.llm?.provider).toBe("anthropic");
    expect(config.overrides.stt?.api_key.last4).toBe("4321");
    const audit = JSON.stringify((await lastAudit("user.preferences_imported", user.id))?.details);
    expect(audit).toContain("stt:deepgram");
    expect(audit).not.toContain("dg-imported-key");
  });

  const bad: [string, string, number, string][] = [
    ["invalid YAML", "version: 1\npreferences: [unclosed", 400, "Invalid YAML"],
    [
      "an alias bomb",
      `a: &a ["x","x"]\nb: &b [*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b]\nd: [*c,*c,*c,*c,*c,*c]\n`,
      400,
      "Invalid YAML",
    ],
    ["an unknown tag", "version: 1\npreferences: !!js/function 'return 1'\n", 400, "Invalid YAML"],
    ["duplicate keys", "version: 1\nversion: 1\npreferences: {}\n", 400, "Invalid YAML"],
    ["a __proto__ key", "version: 1\npreferences:\n  __proto__:\n    admin: true\n", 400, "__proto__"],
    ["an unknown field", "version: 1\npreferences: {}\nowner: root\n", 422, "owner"],
    ["a wrong type", "version: 1\npreferences:\n  llm:\n    provider: 42\n", 422, "provider"],
    ["a wrong version", "version: 2\npreferences: {}\n", 422, "version"],
    ["an unknown provider", "version: 1\npreferences:\n  llm:\n    provider: skynet\n", 422, "skynet"],
  ];
  it.each(bad)("refuses %s with a clear 4xx and changes nothing", async (_label, yaml, status, message) => {
    const user = await createSignedInUser();
    const res = await upload(user.token, yaml);
    expect(res.status).toBe(status);
    expect(JSON.stringify(await res.json())).toContain(message);
    expect(await preferencesRowCount(user.id)).toBe(0);
  });

  it.each([
    ["flow sequences, past the parser's stack", "[".repeat(3000)],
    ["flow mappings, past the parser's stack", `${"{a: ".repeat(3000)}1${"}".repeat(3000)}`],
    [
      "an ignored field, within the parser's stack",
      `version: 1\neffective: ${"[".repeat(200)}${"]".repeat(200)}\npreferences: {}\n`,
    ],
  ])("refuses YAML nested too deeply (%s) with 400, without the engine's message", async (_label, yaml) => {
    const user = await createSignedInUser();
    const res = await upload(user.token, yaml);
    expect(res.status).toBe(400);
    const body = await res.json();
    expect(body).toEqual({ detail: expect.stringContaining("nested more than"), code: "invalid_yaml" });
    expect(JSON.stringify(body)).not.toContain("call stack");
  });

  it("refuses a file over 256 KiB with 413", async () => {
    const user = await createSignedInUser();
    const res = await upload(user.token, `version: 1\n# ${"x".repeat(270 * 1024)}\npreferences: {}\n`);
    expect(res.status).toBe(413);
  });

  it("refuses a body that is not multipart with 415", async () => {
    const user = await createSignedInUser();
    const res = await call("/users/me/config/import", {
      method: "POST",
      json: { version: 1 },
      token: user.token,
    });
    expect(res.status).toBe(415);
  });

  it("applies the group policy to imports too", async () => {
    const user = await createSignedInUserInGroup({ llm: { allowed_providers: ["openai"] } });
    const res = await upload(user.token, VALID);
    expect(res.status).toBe(403);
    expect(JSON.stringify(await res.json())).toContain("anthropic");
  });
});
