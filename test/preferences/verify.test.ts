import { describe, expect, it } from "vitest";
import { createSignedInUser } from "../helpers";
import { fakeProvider, json } from "./fake-provider";
import { verifyKey as verify } from "./requests";

type Case = [section: "llm" | "tts" | "stt", provider: string, url: string, header: string, value: string];
const KEY = "sk-test-0123456789abcd";

// The exact request each provider documents for checking a key (../shared/PROVIDERS.md).
const cases: Case[] = [
  ["llm", "openai", "https://api.openai.com/v1/models", "authorization", `Bearer ${KEY}`],
  ["llm", "anthropic", "https://api.anthropic.com/v1/models?limit=1", "x-api-key", KEY],
  [
    "llm",
    "gemini",
    "https://generativelanguage.googleapis.com/v1beta/models?pageSize=1",
    "x-goog-api-key",
    KEY,
  ],
  ["llm", "groq", "https://api.groq.com/openai/v1/models", "authorization", `Bearer ${KEY}`],
  ["llm", "mistral", "https://api.mistral.ai/v1/models", "authorization", `Bearer ${KEY}`],
  ["llm", "openrouter", "https://openrouter.ai/api/v1/key", "authorization", `Bearer ${KEY}`],
  ["llm", "deepseek", "https://api.deepseek.com/models", "authorization", `Bearer ${KEY}`],
  ["llm", "xai", "https://api.x.ai/v1/api-key", "authorization", `Bearer ${KEY}`],
  ["tts", "openai", "https://api.openai.com/v1/models", "authorization", `Bearer ${KEY}`],
  ["tts", "elevenlabs", "https://api.elevenlabs.io/v1/user", "xi-api-key", KEY],
  ["tts", "deepgram", "https://api.deepgram.com/v1/auth/token", "authorization", `Token ${KEY}`],
  ["tts", "cartesia", "https://api.cartesia.ai/voices?limit=1", "authorization", `Bearer ${KEY}`],
  ["stt", "openai", "https://api.openai.com/v1/models", "authorization", `Bearer ${KEY}`],
  ["stt", "deepgram", "https://api.deepgram.com/v1/auth/token", "authorization", `Token ${KEY}`],
  ["stt", "assemblyai", "https://api.assemblyai.com/v2/transcript?limit=1", "authorization", KEY],
  ["stt", "groq", "https://api.groq.com/openai/v1/models", "authorization", `Bearer ${KEY}`],
  ["stt", "elevenlabs", "https://api.elevenlabs.io/v1/user", "xi-api-key", KEY],
];

describe("POST /users/me/config/verify_*", () => {
  it.each(cases)(
    "%s/%s sends GET %s with the documented auth header",
    async (section, provider, url, header, value) => {
      const user = await createSignedInUser();
      const calls = fakeProvider(() => json(200, { data: [] }));
      const res = await verify(user.token, section, { provider, api_key: KEY });
      expect(res.status).toBe(200);
      expect(await res.json()).toMatchObject({
        ok: true,
        status: "valid",
        provider,
        section,
        http_status: 200,
      });
      expect(calls).toHaveLength(1);
      expect(calls[0]).toMatchObject({ method: "GET", url, redirect: "manual" });
      expect(calls[0]?.headers[header]).toBe(value);
    },
  );

  it("sends the documented version headers (Anthropic, Cartesia)", async () => {
    const user = await createSignedInUser();
    const calls = fakeProvider(() => json(200, {}));
    await verify(user.token, "llm", { provider: "anthropic", api_key: KEY });
    await verify(user.token, "tts", { provider: "cartesia", api_key: KEY });
    expect(calls[0]?.headers["anthropic-version"]).toBe("2023-06-01");
    expect(calls[1]?.headers["cartesia-version"]).toBe("2025-11-04");
  });

  it.each([
    ["openai", 401, "{}", "invalid_credentials"],
    ["openai", 403, "{}", "forbidden"],
    ["openrouter", 402, "{}", "no_credit"],
    ["openai", 429, "{}", "rate_limited"],
    [
      "gemini",
      400,
      '{"error":{"status":"INVALID_ARGUMENT","details":[{"reason":"API_KEY_INVALID"}]}}',
      "invalid_credentials",
    ],
    ["xai", 400, "{}", "invalid_credentials"],
    ["openai", 404, "{}", "invalid_request"],
    ["openai", 500, "{}", "provider_error"],
    ["anthropic", 529, "{}", "provider_error"],
    ["openai", 302, "", "provider_error"],
  ])("maps %s answering %i to %s, in our own words", async (provider, status, body, expected) => {
    const user = await createSignedInUser();
    fakeProvider(
      () =>
        new Response(body || null, {
          status,
          headers: status === 302 ? { location: "https://evil.example" } : {},
        }),
    );
    const res = await verify(user.token, "llm", { provider, api_key: KEY });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({
      status: expected,
      ok: false,
      http_status: status,
      detail: expect.not.stringContaining("API_KEY_INVALID"),
    });
  });

  it("maps ElevenLabs' 401 missing_permissions to forbidden", async () => {
    const user = await createSignedInUser();
    fakeProvider(() => json(401, { detail: { status: "missing_permissions" } }));
    const res = await verify(user.token, "tts", { provider: "elevenlabs", api_key: KEY });
    expect(await res.json()).toMatchObject({ status: "forbidden" });
  });

  it("maps a network failure to unreachable and a hung provider to timeout", async () => {
    const user = await createSignedInUser();
    fakeProvider(() => Promise.reject(new TypeError("connection refused")));
    expect(
      await (await verify(user.token, "llm", { provider: "openai", api_key: KEY })).json(),
    ).toMatchObject({
      status: "unreachable",
    });
    fakeProvider(() => Promise.reject(new DOMException("timed out", "TimeoutError")));
    expect(
      await (await verify(user.token, "llm", { provider: "openai", api_key: KEY })).json(),
    ).toMatchObject({
      status: "timeout",
    });
  });

  it("reports whether the requested model is available when the check lists models", async () => {
    const user = await createSignedInUser();
    fakeProvider(() => json(200, { data: [{ id: "gpt-5" }, { id: "gpt-5-mini" }] }));
    const yes = await verify(user.token, "llm", { provider: "openai", api_key: KEY, model: "gpt-5" });
    const no = await verify(user.token, "llm", { provider: "openai", api_key: KEY, model: "gpt-9" });
    expect(await yes.json()).toMatchObject({ model_available: true });
    expect(await no.json()).toMatchObject({ model_available: false });
  });

  it("uses the stored key when none is given", async () => {
    const user = await createSignedInUser();
    await user.api.users.me.config.$put({
      header: {},
      json: { llm: { provider: "groq", api_key: "gsk-stored-key-9876" } },
    });
    const calls = fakeProvider(() => json(200, { data: [] }));
    await verify(user.token, "llm", { provider: "groq" });
    expect(calls[0]?.headers.authorization).toBe("Bearer gsk-stored-key-9876");
  });

  it("answers 422 when no key is given or stored, 404 for an unknown provider", async () => {
    const user = await createSignedInUser();
    const calls = fakeProvider(() => json(200, {}));
    expect((await verify(user.token, "llm", { provider: "openai" })).status).toBe(422);
    expect((await verify(user.token, "llm", { provider: "skynet", api_key: KEY })).status).toBe(404);
    expect((await verify(user.token, "tts", { provider: "anthropic", api_key: KEY })).status).toBe(404);
    expect(calls).toHaveLength(0);
  });
});
