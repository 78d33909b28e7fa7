import { createExecutionContext, createScheduledController, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import worker from "../../src/index";
import { bodyAt, call, client, createSignedInUser } from "../helpers";
import { fakeProvider, json } from "../preferences/fake-provider";
import { createGroupWithMember, readApiKey, setProviderKeys } from "../seed";

/** Runs the Worker's scheduled handler as the Cron Trigger would. */
async function runCron() {
  const ctx = createExecutionContext();
  await worker.scheduled(
    createScheduledController({ scheduledTime: Date.now(), cron: "*/10 * * * *" }),
    env,
    ctx,
  );
  await waitOnExecutionContext(ctx);
}

/** Marks every other stored key as just checked, so only this test's keys are due. */
async function onlyTheseDue(userIds: string[]) {
  await setProviderKeys({ except: userIds }, { checkedAt: new Date().toISOString() });
}

async function userWithKey(section: string, body: Record<string, unknown>) {
  const user = await createSignedInUser();
  const res = await call("/users/me/config", { method: "PUT", json: { [section]: body }, token: user.token });
  expect(res.status).toBe(200);
  return user;
}

const effective = async (token: string, section: "llm" | "stt" | "tts") =>
  (await bodyAt(await client({ token }).users.me.config.$get(), 200)).effective[section];

describe("key health (scheduled)", () => {
  it("records valid, invalid and no-credit keys with checked_at, and flags a model the provider dropped", async () => {
    const valid = await userWithKey("llm", {
      provider: "openai",
      model: "gpt-4.1",
      api_key: "sk-valid-0001",
    });
    const invalid = await userWithKey("llm", { provider: "groq", api_key: "gsk-invalid-0002" });
    const broke = await userWithKey("llm", { provider: "openrouter", api_key: "or-broke-0003" });
    await onlyTheseDue([valid.id, invalid.id, broke.id]);
    const before = await effective(valid.token, "llm");
    expect(before?.api_key).toMatchObject({ set: true, status: null, checked_at: null });

    const calls = fakeProvider((req) => {
      if (req.headers.authorization === "Bearer sk-valid-0001") return json(200, { data: [{ id: "gpt-5" }] });
      if (req.headers.authorization === "Bearer gsk-invalid-0002") return json(401, {});
      return json(402, {});
    });
    await runCron();
    // The documented verification request, with the stored key, once per key.
    expect(calls.map((c) => `${c.method} ${c.url}`).sort()).toEqual([
      "GET https://api.groq.com/openai/v1/models",
      "GET https://api.openai.com/v1/models",
      "GET https://openrouter.ai/api/v1/key",
    ]);

    const llm = await effective(valid.token, "llm");
    expect(llm?.api_key).toMatchObject({ status: "valid", checked_at: expect.any(String) });
    expect(llm?.model).toMatchObject({ value: "gpt-4.1", unavailable: true });
    expect((await effective(invalid.token, "llm"))?.api_key).toMatchObject({ status: "invalid" });
    expect((await effective(broke.token, "llm"))?.api_key).toMatchObject({ status: "no_credit" });

    // Saving a new key resets its health until the next check.
    await call("/users/me/config", {
      method: "PUT",
      json: { llm: { provider: "openai", api_key: "sk-new-0004" } },
      token: valid.token,
    });
    expect((await effective(valid.token, "llm"))?.api_key).toMatchObject({ status: null, checked_at: null });
  });

  it("is bounded per run and per provider, and checks each key again only a day later", async () => {
    const users = await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        userWithKey("tts", { provider: "elevenlabs", api_key: `xi-key-${i}-abcd` }),
      ),
    );
    await onlyTheseDue(users.map((u) => u.id));
    const calls = fakeProvider(() => json(200, {}));
    await runCron();
    expect(calls).toHaveLength(4);
    await runCron();
    expect(calls).toHaveLength(6);
    await runCron();
    expect(calls).toHaveLength(6);
    const statuses = await Promise.all(
      users.map(async (u) => (await effective(u.token, "tts"))?.api_key.status),
    );
    expect(statuses).toEqual(Array(6).fill("valid"));
  });

  it("never sends a key the group policy refuses now, and marks the provider unreachable when it is", async () => {
    const user = await userWithKey("stt", { provider: "deepgram", api_key: "dg-key-0005" });
    await onlyTheseDue([user.id]);
    const calls = fakeProvider(() => {
      throw new TypeError("network down");
    });
    await runCron();
    expect(calls).toHaveLength(1);
    expect((await effective(user.token, "stt"))?.api_key).toMatchObject({ status: "unreachable" });

    const refused = await createSignedInUser();
    await call("/users/me/config", {
      method: "PUT",
      json: { stt: { provider: "deepgram", api_key: "dg-key-0006" } },
      token: refused.token,
    });
    await createGroupWithMember({ stt: { allow_user_keys: false } }, refused.id);
    await onlyTheseDue([refused.id]);
    await runCron();
    expect(calls).toHaveLength(1);
    const row = await readApiKey(refused.id, "stt", "deepgram");
    expect(row).toMatchObject({ keyStatus: null, checkedAt: expect.any(String) });
  });
});
