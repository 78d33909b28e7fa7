import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { createApp } from "../../src/app";
import { keyRingFor } from "../../src/domain/preferences/key-encryption";
import { bodyAt, client, createSignedInUser, loginAdmin, randomIp, type Worker } from "../helpers";
import { createUserWithTotp, currentStep, totpCodeAt } from "../mfa/mfa-helpers";
import { readApiKey } from "../seed";
import { fakeProvider, json } from "./fake-provider";
import { verifyKey } from "./requests";

const OLD = env.ENCRYPTION_KEY; // "k1:…" in the test configuration
const NEW_KEY = `k2:${btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(32))))}`;

/** The same Worker with another ENCRYPTION_KEY, as after `wrangler secret put` and a deploy. */
const withKey =
  (key: string): Worker =>
  async (request) =>
    createApp().request(request, undefined, { ...env, ENCRYPTION_KEY: key });

describe("ENCRYPTION_KEY rotation", () => {
  it("re-encrypts stored keys under the new key; they keep working after the old key is dropped", async () => {
    const user = await createSignedInUser();
    const admin = await loginAdmin();
    const secret = "sk-rotate-me-0001";
    await client({ token: user.token, worker: withKey(OLD) }).users.me.config.$put({
      header: {},
      json: { llm: { provider: "openai", api_key: secret } },
    });

    const rotated = withKey(`${NEW_KEY},${OLD}`);
    const reencrypt = (token: string) =>
      client({ token, worker: rotated }).users.admin.encryption.reencrypt.$post();
    expect((await reencrypt(user.token)).status).toBe(403);
    const res = await reencrypt(admin.token);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ reencrypted: 1, remaining: 0, current_key_id: "k2" });
    expect((await readApiKey(user.id, "llm", "openai"))?.keyId).toBe("k2");

    // Old key removed: the stored key still decrypts and is sent to the provider.
    const calls = fakeProvider(() => json(200, { data: [] }));
    const verify = await verifyKey(user.token, "llm", { provider: "openai" }, withKey(NEW_KEY));
    expect(await verify.json()).toMatchObject({ status: "valid" });
    expect(calls[0]?.headers.authorization).toBe(`Bearer ${secret}`);
  });

  it("re-encrypts TOTP secrets too: after the old key is dropped, TOTP sign-in still works", async () => {
    const user = await createUserWithTotp(); // enrolled under the old key (k1)
    const admin = await loginAdmin();
    const rotated = client({ token: admin.token, worker: withKey(`${NEW_KEY},${OLD}`) });
    // Every row under k1 (also other tests' rows) is re-encrypted, chunk by chunk.
    let progress = await bodyAt(await rotated.users.admin.encryption.reencrypt.$post(), 200);
    let totpReencrypted = progress.kinds.totp_secrets.reencrypted;
    while (progress.remaining > 0) {
      progress = await bodyAt(await rotated.users.admin.encryption.reencrypt.$post(), 200);
      totpReencrypted += progress.kinds.totp_secrets.reencrypted;
    }
    expect(totpReencrypted).toBeGreaterThanOrEqual(1);
    expect(progress).toMatchObject({
      remaining: 0,
      current_key_id: "k2",
      kinds: { provider_keys: { remaining: 0 }, totp_secrets: { remaining: 0 } },
    });

    // Old key removed: the password, then a TOTP code, signs in.
    const newOnly = client({ ip: randomIp(), worker: withKey(NEW_KEY) });
    const first = await bodyAt(
      await newOnly.users.login.local.$post({ json: { username: user.username, password: user.password } }),
      200,
    );
    if (!("mfa_required" in first)) throw new Error("expected a second-factor challenge");
    const done = await newOnly.users.login.mfa.$post({
      json: { challenge: first.challenge, code: await totpCodeAt(user.secret, currentStep()) },
    });
    expect(done.status).toBe(200);
  });

  it("answers 503 rather than guessing when a row's key is missing from ENCRYPTION_KEY", async () => {
    const user = await createSignedInUser();
    await client({ token: user.token, worker: withKey(OLD) }).users.me.config.$put({
      header: {},
      json: { tts: { provider: "openai", api_key: "sk-orphan-0002" } },
    });
    const res = await verifyKey(user.token, "tts", { provider: "openai" }, withKey(NEW_KEY));
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
