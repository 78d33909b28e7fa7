import { env } from "cloudflare:workers";
import { describe, expect, it, vi } from "vitest";
import { ErrorSchema } from "../../src/http/schemas/common";
import {
  type Api,
  bodyAt,
  call,
  client,
  createSignedInUser,
  createSignedInUserInGroup,
  loginAdmin,
} from "../helpers";
import { fakeProvider, json } from "../preferences/fake-provider";
import { lastAudit } from "../seed";
import { createPersonalKey, createServiceAccount } from "./app-helpers";

const KEY = "provider-secret-key-0123456789";
const put = (token: string, body: unknown) =>
  call("/users/me/config", { method: "PUT", json: body, token: token });
type MintRequest = Parameters<Api["users"]["me"]["config"][":section"]["client_token"]["$post"]>[0];
const mint = (token: string, section: MintRequest["param"]["section"], json: MintRequest["json"] = {}) =>
  client({ token }).users.me.config[":section"].client_token.$post({ param: { section }, json });

async function userWith(section: string, provider: string, extra: Record<string, unknown> = {}) {
  const user = await createSignedInUser();
  const res = await put(user.token, { [section]: { provider, api_key: KEY, ...extra } });
  expect(res.status).toBe(200);
  return user;
}

// The exact request each provider documents (../shared/PROVIDERS.md, "Short-lived client credentials").
describe("POST /users/me/config/{section}/client_token", () => {
  it("OpenAI realtime: POST /v1/realtime/client_secrets with Bearer key and the session, returns only the secret", async () => {
    const user = await userWith("llm", "openai");
    const calls = fakeProvider(() =>
      json(200, { value: "ek_test_123", expires_at: 1_900_000_000, session: { type: "realtime" } }),
    );
    const res = await mint(user.token, "llm", { model: "gpt-realtime", ttl_seconds: 120 });
    expect(res.status).toBe(200);
    expect(res.headers.get("cache-control")).toBe("no-store");
    expect(await res.json()).toEqual({
      section: "llm",
      provider: "openai",
      token: "ek_test_123",
      expires_at: new Date(1_900_000_000_000).toISOString(),
      single_use: false,
      usage: expect.any(String),
    });
    expect(calls).toHaveLength(1);
    expect(calls[0]).toMatchObject({
      method: "POST",
      url: "https://api.openai.com/v1/realtime/client_secrets",
      redirect: "manual",
    });
    expect(calls[0]?.headers.authorization).toBe(`Bearer ${KEY}`);
    expect(calls[0]?.headers["content-type"]).toBe("application/json");
    expect(JSON.parse(calls[0]?.body ?? "")).toEqual({
      expires_after: { anchor: "created_at", seconds: 120 },
      session: { type: "realtime", model: "gpt-realtime" },
    });
    for (const header of res.headers.values()) expect(header).not.toContain(KEY);
    const audit = await lastAudit("user.client_token_minted", user.id);
    expect(audit).toMatchObject({ details: { section: "llm", provider: "openai" } });
    expect(JSON.stringify(audit)).not.toContain("ek_test_123");
  });

  it("OpenAI transcription: the session names the type and the effective model; default lifetime 600 s", async () => {
    const user = await userWith("stt", "openai", { model: "gpt-4o-transcribe" });
    const calls = fakeProvider(() => json(200, { value: "ek_t", expires_at: 1_900_000_000 }));
    expect((await mint(user.token, "stt")).status).toBe(200);
    expect(JSON.parse(calls[0]?.body ?? "")).toEqual({
      expires_after: { anchor: "created_at", seconds: 600 },
      session: { type: "transcription", audio: { input: { transcription: { model: "gpt-4o-transcribe" } } } },
    });
  });

  it("Deepgram: POST /v1/auth/grant with Token key and ttl_seconds; expiry from expires_in", async () => {
    const user = await userWith("stt", "deepgram");
    const calls = fakeProvider(() => json(200, { access_token: "dg.jwt.value", expires_in: 30 }));
    const before = Date.now();
    const res = await mint(user.token, "stt");
    const body = await bodyAt(res, 200);
    expect(body.token).toBe("dg.jwt.value");
    expect(Date.parse(body.expires_at) - before).toBeGreaterThanOrEqual(29_000);
    expect(Date.parse(body.expires_at) - before).toBeLessThan(40_000);
    expect(calls[0]).toMatchObject({ method: "POST", url: "https://api.deepgram.com/v1/auth/grant" });
    expect(calls[0]?.headers.authorization).toBe(`Token ${KEY}`);
    expect(JSON.parse(calls[0]?.body ?? "")).toEqual({ ttl_seconds: 30 });
  });

  it("ElevenLabs: POST /v1/single-use-token/tts_websocket with xi-api-key and no body; single use", async () => {
    const user = await userWith("tts", "elevenlabs");
    const calls = fakeProvider(() => json(200, { token: "xi-single-use" }));
    const res = await mint(user.token, "tts");
    expect(await res.json()).toMatchObject({ token: "xi-single-use", single_use: true });
    expect(calls[0]).toMatchObject({
      method: "POST",
      url: "https://api.elevenlabs.io/v1/single-use-token/tts_websocket",
      body: "",
    });
    expect(calls[0]?.headers["xi-api-key"]).toBe(KEY);
    const fixed = await mint(user.token, "tts", { ttl_seconds: 60 });
    expect(fixed.status).toBe(422);
  });

  it("ElevenLabs STT uses realtime_scribe; AssemblyAI: GET the v3 streaming token with the raw key", async () => {
    const eleven = await userWith("stt", "elevenlabs");
    const assembly = await userWith("stt", "assemblyai");
    const calls = fakeProvider(() => json(200, { token: "tok" }));
    expect((await mint(eleven.token, "stt")).status).toBe(200);
    expect((await mint(assembly.token, "stt", { ttl_seconds: 300 })).status).toBe(200);
    expect(calls[0]?.url).toBe("https://api.elevenlabs.io/v1/single-use-token/realtime_scribe");
    expect(calls[1]).toMatchObject({
      method: "GET",
      url: "https://streaming.assemblyai.com/v3/token?expires_in_seconds=300",
    });
    expect(calls[1]?.headers.authorization).toBe(KEY);
  });

  it("answers 409 client_token_unsupported for providers without a mechanism, without calling them", async () => {
    const user = await userWith("llm", "anthropic");
    const calls = fakeProvider(() => json(200, {}));
    const res = await mint(user.token, "llm");
    const body = ErrorSchema.parse(await bodyAt(res, 409));
    expect(body.code).toBe("client_token_unsupported");
    expect(body.detail).toContain("/config/resolved");
    expect(calls).toHaveLength(0);
  });

  it("answers 409 no_provider_key without a usable key: none stored, or refused by the policy", async () => {
    const user = await createSignedInUserInGroup({});
    const calls = fakeProvider(() => json(200, { value: "ek", expires_at: 1 }));
    const none = await mint(user.token, "llm", { model: "gpt-realtime" });
    expect(none.status).toBe(409);
    expect(await none.json()).toMatchObject({ code: "no_provider_key" });
    await put(user.token, { llm: { provider: "openai", api_key: KEY } });
    const { token: admin } = await loginAdmin();
    await call(`/users/admin/groups/${user.groupId}`, {
      method: "PUT",
      json: { policy: { llm: { allow_user_keys: false } } },
      token: admin,
    });
    expect((await mint(user.token, "llm", { model: "gpt-realtime" })).status).toBe(409);
    await call(`/users/admin/groups/${user.groupId}`, {
      method: "PUT",
      json: { policy: { llm: { allowed_models: { openai: ["gpt-5"] } } } },
      token: admin,
    });
    const model = await mint(user.token, "llm", { model: "gpt-realtime" });
    expect(model.status).toBe(403);
    expect(await model.json()).toMatchObject({ code: "policy_forbidden" });
    expect(calls).toHaveLength(0);
  });

  it("refuses lifetimes outside the provider's bounds with 422, and maps a provider refusal to 502", async () => {
    const user = await userWith("llm", "openai");
    const calls = fakeProvider(() => json(401, { error: { message: `bad key ${KEY}` } }));
    expect((await mint(user.token, "llm", { model: "gpt-realtime", ttl_seconds: 5 })).status).toBe(422);
    const refused = await mint(user.token, "llm", { model: "gpt-realtime" });
    expect(refused.status).toBe(502);
    const text = await refused.text();
    expect(JSON.parse(text)).toMatchObject({ code: "provider_failed" });
    expect(text).not.toContain(KEY);
    expect(text).toContain("invalid_credentials");
    expect(calls).toHaveLength(1);
  });

  it("accepts a personal key with credentials:mint only, and is rate-limited per user", async () => {
    const user = await userWith("stt", "deepgram");
    const minting = await createPersonalKey(user.token, { scopes: ["credentials:mint"] });
    const reading = await createPersonalKey(user.token, { scopes: ["preferences:read"] });
    fakeProvider(() => json(200, { access_token: "jwt", expires_in: 30 }));
    expect((await mint(minting.token, "stt")).status).toBe(200);
    expect(await lastAudit("user.client_token_minted", user.id)).toMatchObject({
      details: { api_key_id: minting.id },
    });
    const lacking = await mint(reading.token, "stt");
    expect(lacking.status).toBe(403);
    expect(await lacking.json()).toMatchObject({ code: "insufficient_scope" });

    const limit = vi.spyOn(env.CLIENT_TOKEN_LIMITER, "limit").mockResolvedValue({ success: false });
    const limited = await mint(user.token, "stt");
    expect(limited.status).toBe(429);
    expect(limit).toHaveBeenCalledWith({ key: `client_token:user:${user.id}` });
  });
});

describe("POST /users/{uid}/config/{section}/client_token (service accounts)", () => {
  it("mints on the user's behalf with credentials:mint, audited with the service account", async () => {
    const user = await userWith("stt", "deepgram");
    const { account, key } = await createServiceAccount(["credentials:mint"]);
    const calls = fakeProvider(() => json(200, { access_token: "jwt-for-browser", expires_in: 60 }));
    const res = await call(`/users/${user.id}/config/stt/client_token`, {
      method: "POST",
      json: { ttl_seconds: 60 },
      token: key.token,
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ token: "jwt-for-browser", provider: "deepgram" });
    expect(JSON.parse(calls[0]?.body ?? "")).toEqual({ ttl_seconds: 60 });
    expect(await lastAudit("service.client_token_minted", user.id)).toMatchObject({
      actorId: account.id,
      details: { service_account: account.name, key_id: key.id, section: "stt", provider: "deepgram" },
    });
    const resolver = await createServiceAccount(["config:resolve"]);
    const lacking = await call(`/users/${user.id}/config/stt/client_token`, {
      method: "POST",
      json: {},
      token: resolver.key.token,
    });
    expect(lacking.status).toBe(403);
    expect(
      (
        await call(`/users/${user.id}/config/stt/client_token`, {
          method: "POST",
          json: {},
          token: user.token,
        })
      ).status,
    ).toBe(401);
  });
});
