import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { checkBaseUrl } from "../../src/domain/preferences/outbound";
import { call, createSignedInUser } from "../helpers";
import { fakeProvider, json } from "./fake-provider";
import { listModels, putConfig, verifyKey } from "./requests";

const production = { allowPrivate: false, timeoutMs: 8000, maxBytes: 65536 };

const storeLlmKey = (token: string, provider: string, api_key: string) =>
  putConfig(token, { llm: { provider, api_key } });
const verifyLlm = (token: string, json: { provider: string; api_key: string; base_url?: string }) =>
  verifyKey(token, "llm", json);
const models = (token: string, provider_name: string) => listModels(token, "llm", provider_name);

describe("custom base URLs (SSRF guard)", () => {
  it.each([
    "http://api.example.com/v1",
    "https://127.0.0.1/v1",
    "https://10.0.0.8/v1",
    "https://169.254.169.254/latest",
    "https://[::1]/v1",
    "https://2130706433/v1",
    "https://0x7f000001/v1",
    "https://localhost/v1",
    "https://metadata.google.internal/v1",
    "https://printer.local/v1",
    "https://intranet/v1",
    "https://user:pass@api.example.com/v1",
    "https://api.example.com/v1?x=1",
    "ftp://api.example.com/v1",
    "https://localhost../v1",
    "https://intranet.../v1",
    "https://api.example.com:8443/v1",
    "https://api.example.com:22/v1",
  ])("refuses %s in production", (url) => {
    expect(() => checkBaseUrl(url, production)).toThrow(/base_url refused/);
  });

  it("accepts a public https host and trims the trailing slash", () => {
    expect(checkBaseUrl("https://llm.example.com/v1/", production)).toBe("https://llm.example.com/v1");
  });

  it("allows localhost when the deployment allows private URLs (local Ollama)", () => {
    expect(checkBaseUrl("http://localhost:11434", { ...production, allowPrivate: true })).toBe(
      "http://localhost:11434",
    );
  });

  it("a refused URL causes no request at all", async () => {
    const user = await createSignedInUser();
    const calls = fakeProvider(() => json(200, {}));
    const res = await verifyLlm(user.token, {
      provider: "openai_compatible",
      api_key: "k-1234",
      base_url: "ftp://files.example.com/v1",
    });
    expect(res.status).toBe(422);
    expect(calls).toHaveLength(0);
  });

  it("verifies an OpenAI-compatible server at its custom base URL", async () => {
    const user = await createSignedInUser();
    const calls = fakeProvider(() => json(200, { data: [{ id: "local-model" }] }));
    const res = await verifyLlm(user.token, {
      provider: "openai_compatible",
      api_key: "k-1234",
      base_url: "https://llm.example.com/v1",
    });
    expect(await res.json()).toMatchObject({ ok: true });
    expect(calls[0]?.url).toBe("https://llm.example.com/v1/models");
  });

  it("refuses a custom base_url for a provider that does not take one", async () => {
    const user = await createSignedInUser();
    const calls = fakeProvider(() => json(200, {}));
    const res = await verifyLlm(user.token, {
      provider: "openai",
      api_key: "k-1234",
      base_url: "https://evil.example.com",
    });
    expect(res.status).toBe(422);
    expect(calls).toHaveLength(0);
  });

  it("rate-limits verification per user", async () => {
    const user = await createSignedInUser();
    fakeProvider(() => json(200, {}));
    // Fixed 60 s windows: go until the first 429 rather than expecting it at exactly the 11th call.
    const statuses: number[] = [];
    for (let i = 0; i < 25 && !statuses.includes(429); i++) {
      const res = await verifyLlm(user.token, { provider: "openai", api_key: "k-1234" });
      statuses.push(res.status);
    }
    expect(statuses.at(-1)).toBe(429);
    expect(statuses.slice(0, -1).every((s) => s === 200)).toBe(true);
    expect(statuses.length).toBeGreaterThanOrEqual(11);
  });
});

describe("GET /users/me/config/models", () => {
  it("returns the static list without a key, saying so", async () => {
    const user = await createSignedInUser();
    const calls = fakeProvider(() => json(200, {}));
    const res = await models(user.token, "anthropic");
    expect(await res.json()).toMatchObject({
      source: "static",
      models: expect.arrayContaining(["claude-opus-4-7"]),
    });
    expect(calls).toHaveLength(0);
  });

  it("fetches the live list with the stored key, then serves it from the KV cache", async () => {
    const user = await createSignedInUser();
    await storeLlmKey(user.token, "anthropic", "sk-ant-secret-9999");
    const calls = fakeProvider(() =>
      json(200, { data: [{ id: "claude-new-1" }, { id: "claude-new-2" }], has_more: false }),
    );
    const first = await models(user.token, "anthropic");
    expect(await first.json()).toMatchObject({
      source: "live",
      cached: false,
      models: ["claude-new-1", "claude-new-2"],
    });
    const second = await models(user.token, "anthropic");
    expect(await second.json()).toMatchObject({
      source: "live",
      cached: true,
      models: ["claude-new-1", "claude-new-2"],
    });
    expect(calls).toHaveLength(1);
    expect(calls[0]).toMatchObject({ url: "https://api.anthropic.com/v1/models?limit=1000" });
    expect(calls[0]?.headers["x-api-key"]).toBe("sk-ant-secret-9999");
    const { keys } = await env.KV.list({ prefix: "models:" });
    expect(keys.some((k) => k.name.includes("sk-ant"))).toBe(false);
  });

  it("falls back to the static list when the provider fails", async () => {
    const user = await createSignedInUser();
    await storeLlmKey(user.token, "openai", "sk-1234");
    fakeProvider(() => json(500, {}));
    const res = await models(user.token, "openai");
    expect(await res.json()).toMatchObject({ source: "static", models: expect.arrayContaining(["gpt-5"]) });
  });

  it("answers 404 for an unknown provider and 422 for an unknown section", async () => {
    const user = await createSignedInUser();
    expect((await models(user.token, "skynet")).status).toBe(404);
    expect(
      // Raw: the typed client knows there is no section "video".
      (await call("/users/me/config/models?provider_name=openai&section=video", { token: user.token }))
        .status,
    ).toBe(422);
  });
});
