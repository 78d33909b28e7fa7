import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { auditLog, groups, identities, userApiKeys, userPreferences, users } from "../../src/db/schema";
import { bodyAt, call, createSignedInUser, createSignedInUserInGroup } from "../helpers";
import { apiKeyCount, db, readApiKey } from "../seed";
import { getConfig as get, putConfig as put } from "./requests";

describe("GET /users/me/config: layering", () => {
  it("starts from the system defaults, each value saying where it came from", async () => {
    const user = await createSignedInUser();
    const { res, body } = await get(user.token);
    expect(res.status).toBe(200);
    expect(res.headers.get("etag")).toBe('"v0"');
    expect(body.overrides).toEqual({ llm: null, tts: null, stt: null });
    expect(body.effective.llm).toMatchObject({
      provider: { value: "openai", source: "system" },
      model: { value: "gpt-5-mini", source: "system" },
      api_key: { set: false, source: null },
    });
    expect(body.effective.tts.options).toEqual({ value: { voice: "alloy" }, source: "system" });
  });

  it("puts group defaults over system defaults and the user's choice over both", async () => {
    const user = await createSignedInUserInGroup({
      llm: { defaults: { provider: "anthropic", model: "claude-sonnet-4-6" } },
    });
    const before = await get(user.token);
    expect(before.body.effective.llm).toMatchObject({
      provider: { value: "anthropic", source: "group" },
      model: { value: "claude-sonnet-4-6", source: "group" },
    });
    await put(user.token, { llm: { provider: "anthropic", model: "claude-opus-4-7" } });
    const after = await get(user.token);
    expect(after.body.effective.llm).toMatchObject({
      provider: { value: "anthropic", source: "user" },
      model: { value: "claude-opus-4-7", source: "user" },
    });
    // A layer naming another provider says nothing about this one's model.
    await put(user.token, { llm: { provider: "mistral" } });
    const other = await get(user.token);
    expect(other.body.effective.llm).toMatchObject({
      provider: { value: "mistral" },
      model: { value: null, source: null },
    });
  });
});

describe("PUT /users/me/config", () => {
  it("stores overrides and masks the key: set and last4 only", async () => {
    const user = await createSignedInUser();
    const res = await put(user.token, {
      llm: {
        provider: "openai",
        model: "gpt-5",
        options: { temperature: 0.3 },
        api_key: "sk-secret-value-abcd",
      },
    });
    expect(res.status).toBe(200);
    const text = await res.clone().text();
    expect(text).not.toContain("sk-secret-value");
    const body = await bodyAt(res, 200);
    expect(body.overrides.llm).toEqual({
      provider: "openai",
      model: "gpt-5",
      base_url: null,
      options: { temperature: 0.3 },
      api_key: { set: true, last4: "abcd" },
    });
    expect(body.version).toBe(1);
    expect(res.headers.get("etag")).toBe('"v1"');
  });

  it("keeps the key when api_key is absent and deletes it with null", async () => {
    const user = await createSignedInUser();
    await put(user.token, { stt: { provider: "deepgram", api_key: "dg-key-1234" } });
    await put(user.token, { stt: { provider: "deepgram", model: "nova-3" } });
    expect((await get(user.token)).body.overrides.stt?.api_key).toEqual({ set: true, last4: "1234" });
    await put(user.token, { stt: { provider: "deepgram", api_key: null } });
    expect((await get(user.token)).body.overrides.stt?.api_key).toEqual({ set: false, last4: null });
  });

  it("never stores the key in plaintext anywhere in D1 or KV", async () => {
    const user = await createSignedInUser();
    const secret = "sk-plaintext-canary-7d3f9a";
    await put(user.token, { llm: { provider: "openai", api_key: secret } });
    for (const table of [users, groups, userPreferences, userApiKeys, auditLog, identities]) {
      expect(JSON.stringify(await db.select().from(table).all())).not.toContain(secret);
    }
    const { keys } = await env.KV.list();
    for (const key of keys) expect(`${key.name}${await env.KV.get(key.name)}`).not.toContain(secret);
    const row = await readApiKey(user.id, "llm", "openai");
    expect(row?.keyId).toBe("k1");
    expect(row?.ciphertext.length).toBeGreaterThan(secret.length);
  });

  it("answers 412 for a stale If-Match and changes nothing", async () => {
    const user = await createSignedInUser();
    const first = await put(user.token, { llm: { provider: "openai" } }, '"v0"');
    expect(first.status).toBe(200);
    const stale = await put(user.token, { llm: { provider: "groq", api_key: "gsk-1111" } }, '"v0"');
    expect(stale.status).toBe(412);
    const { body } = await get(user.token);
    expect(body.overrides.llm).toMatchObject({ provider: "openai", api_key: { set: false } });
    expect(await apiKeyCount(user.id)).toBe(0);
    const fresh = await put(user.token, { llm: { provider: "groq" } }, '"v1"');
    expect(fresh.status).toBe(200);
  });

  it.each([
    [{ llm: { provider: "skynet" } }, "Unknown llm provider 'skynet'"],
    [
      { llm: { provider: "openai", base_url: "https://proxy.example.com/v1" } },
      "does not take a custom base_url",
    ],
    [{ llm: { provider: "openai", options: { voice: "alloy" } } }, "has no option 'voice'"],
    [{ tts: { provider: "openai", options: { voice: "robot" } } }, "Unknown voice 'robot'"],
    [{ llm: { provider: "openai", options: { temperature: 7 } } }, "temperature"],
    [{ llm: { provider: "openai", color: "blue" } }, "color"],
    [{ music: { provider: "openai" } }, "music"],
  ])("refuses %j with 422 and changes nothing", async (body, message) => {
    const user = await createSignedInUser();
    // Raw: the typed client would not let most of these bodies through.
    const res = await call("/users/me/config", { method: "PUT", json: body, token: user.token });
    expect(res.status).toBe(422);
    expect(JSON.stringify(await res.json())).toContain(message);
    expect((await get(user.token)).body.overrides.llm).toBeNull();
  });
});

describe("group policy", () => {
  it("refuses a provider or model the policy does not allow, naming it, and changes nothing", async () => {
    const user = await createSignedInUserInGroup({
      llm: {
        allowed_providers: ["openai"],
        allowed_models: { openai: ["gpt-5-mini"] },
        allow_user_keys: false,
      },
    });
    const provider = await put(user.token, { llm: { provider: "anthropic" } });
    expect(provider.status).toBe(403);
    expect(await provider.json()).toMatchObject({
      code: "policy_forbidden",
      detail: expect.stringContaining("'anthropic'"),
    });
    const model = await put(user.token, { llm: { provider: "openai", model: "gpt-5" } });
    expect(model.status).toBe(403);
    expect(JSON.stringify(await model.json())).toContain("'gpt-5'");
    const key = await put(user.token, { llm: { provider: "openai", api_key: "sk-not-allowed" } });
    expect(key.status).toBe(403);
    expect((await put(user.token, { llm: { provider: "openai", model: "gpt-5-mini" } })).status).toBe(200);
  });

  it("lists providers with what the policy allows, and configured_only", async () => {
    const user = await createSignedInUserInGroup({ llm: { allowed_providers: ["openai", "groq"] } });
    await put(user.token, { llm: { provider: "groq", api_key: "gsk-1234" } });
    const providers = user.api.users.me.config.providers;
    const all = await bodyAt(await providers.$get({ query: { section: "llm" } }), 200);
    expect(all.data.find((p) => p.id === "anthropic")).toMatchObject({ allowed: false, configured: false });
    const configured = await bodyAt(
      await providers.$get({ query: { section: "llm", configured_only: "true" } }),
      200,
    );
    expect(configured.data.map((p) => p.id).sort()).toEqual(["groq", "openai"]);
    // Raw: the typed client knows there is no section "video".
    expect((await call("/users/me/config/providers?section=video", { token: user.token })).status).toBe(422);
  });
});
