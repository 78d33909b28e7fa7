import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { createApp } from "../../src/app";
import { keyRingFor } from "../../src/domain/preferences/key-encryption";
import { createSignedInUser, jsonInit, loginAdmin } from "../helpers";
import { fakeProvider, json } from "./fake-provider";

const OLD = env.ENCRYPTION_KEY; // "k1:…" in the test configuration
const NEW_KEY = `k2:${btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(32))))}`;

/** The same Worker with another ENCRYPTION_KEY, as after `wrangler secret put` and a deploy. */
const withKey = (key: string) => (path: string, init: RequestInit) =>
  createApp().request(`http://localhost:8787/api/v1${path}`, init, { ...env, ENCRYPTION_KEY: key });

describe("ENCRYPTION_KEY rotation", () => {
  it("re-encrypts stored keys under the new key; they keep working after the old key is dropped", async () => {
    const user = await createSignedInUser();
    const admin = await loginAdmin();
    const secret = "sk-rotate-me-0001";
    await withKey(OLD)(
      "/users/me/config",
      jsonInit("PUT", { llm: { provider: "openai", api_key: secret } }, user.token),
    );

    const rotated = withKey(`${NEW_KEY},${OLD}`);
    const notAdmin = await rotated("/users/admin/encryption/reencrypt", {
      method: "POST",
      headers: { authorization: `Bearer ${user.token}` },
    });
    expect(notAdmin.status).toBe(403);
    const res = await rotated("/users/admin/encryption/reencrypt", {
      method: "POST",
      headers: { authorization: `Bearer ${admin}` },
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ reencrypted: 1, remaining: 0, current_key_id: "k2" });
    const row = await env.DB.prepare("SELECT key_id FROM user_api_keys WHERE user_id = ?")
      .bind(user.id)
      .first<{ key_id: string }>();
    expect(row?.key_id).toBe("k2");

    // Old key removed: the stored key still decrypts and is sent to the provider.
    const calls = fakeProvider(() => json(200, { data: [] }));
    const verify = await withKey(NEW_KEY)(
      "/users/me/config/verify_llm",
      jsonInit("POST", { provider: "openai" }, user.token),
    );
    expect(await verify.json()).toMatchObject({ status: "valid" });
    expect(calls[0]?.headers.authorization).toBe(`Bearer ${secret}`);
  });

  it("answers 503 rather than guessing when a row's key is missing from ENCRYPTION_KEY", async () => {
    const user = await createSignedInUser();
    await withKey(OLD)(
      "/users/me/config",
      jsonInit("PUT", { tts: { provider: "openai", api_key: "sk-orphan-0002" } }, user.token),
    );
    const res = await withKey(NEW_KEY)(
      "/users/me/config/verify_tts",
      jsonInit("POST", { provider: "openai" }, user.token),
    );
    expect(res.status).toBe(503);
    expect(await res.json()).toMatchObject({ code: "encryption_not_configured" });
  });
});

describe("the public example ENCRYPTION_KEY", () => {
  it("is refused outside development: keys are not stored with it", async () => {
    await expect(keyRingFor({ ...env, ENVIRONMENT: "production" })).rejects.toMatchObject({
      code: "encryption_not_configured",
    });
    await expect(keyRingFor({ ...env, ENVIRONMENT: "development" })).resolves.toMatchObject({
      currentId: "k1",
    });
  });
});
