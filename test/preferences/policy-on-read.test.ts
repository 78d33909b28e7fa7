import type { InferRequestType } from "hono/client";
import { describe, expect, it } from "vitest";
import { type api, bodyAt, createSignedInUserInGroup, loginAdmin } from "../helpers";
import { fakeProvider, json } from "./fake-provider";
import { getConfig as getFullConfig, listModels, putConfig as put, verifyKey } from "./requests";

const getConfig = async (token: string) => (await getFullConfig(token)).body.effective;

/**
 * The group policy applies when preferences are read and used, not only when they are written:
 * a value chosen before the policy tightened is reported as blocked, the next allowed layer
 * applies, and no outbound call uses it.
 */
type Policy = InferRequestType<(typeof api.users.admin.groups)[":gid"]["$put"]>["json"]["policy"];

async function tightenPolicy(groupId: string, policy: Policy) {
  const admin = await loginAdmin();
  const res = await admin.api.users.admin.groups[":gid"].$put({ param: { gid: groupId }, json: { policy } });
  expect(res.status).toBe(200);
}

describe("group policy on read", () => {
  it("reports a provider closed after the user chose it as blocked, and every read path refuses it", async () => {
    const user = await createSignedInUserInGroup({});
    expect(
      (await put(user.token, { tts: { provider: "elevenlabs", api_key: "xi-secret-1234" } })).status,
    ).toBe(200);
    await tightenPolicy(user.groupId, { tts: { allowed_providers: ["openai"] } });
    const calls = fakeProvider(() => json(200, { models: [] }));

    const tts = (await getConfig(user.token)).tts;
    expect(tts).toMatchObject({ provider: { value: "openai", source: "system" } });
    expect(tts?.blocked).toEqual([
      expect.objectContaining({
        field: "provider",
        value: "elevenlabs",
        layer: "user",
        policy: expect.objectContaining({ group_id: user.groupId }),
      }),
    ]);
    const models = await listModels(user.token, "tts", "elevenlabs");
    expect(models.status).toBe(403);
    const verify = await verifyKey(user.token, "tts", { provider: "elevenlabs" });
    expect(verify.status).toBe(403);
    expect(await verify.json()).toMatchObject({ code: "policy_forbidden" });
    expect(calls).toHaveLength(0);
  });

  it("stops using the user's own key once user keys are closed, and refuses one given to verify", async () => {
    const user = await createSignedInUserInGroup({});
    await put(user.token, { llm: { provider: "openai", api_key: "sk-user-key-1234" } });
    await tightenPolicy(user.groupId, { llm: { allow_user_keys: false } });
    const calls = fakeProvider(() => json(200, { data: [] }));

    const llm = (await getConfig(user.token)).llm;
    expect(llm).toMatchObject({ api_key: { set: false, source: null } });
    expect(llm?.blocked).toEqual([expect.objectContaining({ field: "api_key", layer: "user" })]);
    const stored = await verifyKey(user.token, "llm", { provider: "openai" });
    expect(stored.status).toBe(422);
    const given = await verifyKey(user.token, "llm", { provider: "openai", api_key: "sk-other-5678" });
    expect(given.status).toBe(403);
    const models = await listModels(user.token, "llm", "openai");
    expect(await models.json()).toMatchObject({ source: "static" });
    expect(calls).toHaveLength(0);
  });

  it("drops a custom base URL once the policy forbids it, and refuses one given to verify", async () => {
    const user = await createSignedInUserInGroup({});
    await put(user.token, { llm: { provider: "ollama", base_url: "https://ollama.example.com" } });
    await tightenPolicy(user.groupId, { llm: { allow_custom_base_url: false } });
    const calls = fakeProvider(() => json(200, { version: "1" }));

    const llm = (await getConfig(user.token)).llm;
    expect(llm).toMatchObject({ provider: { value: "ollama" }, base_url: { value: null, source: null } });
    expect(llm?.blocked).toEqual([expect.objectContaining({ field: "base_url", layer: "user" })]);
    const verify = await verifyKey(user.token, "llm", {
      provider: "ollama",
      base_url: "https://other.example.com",
    });
    expect(verify.status).toBe(403);
    expect(calls).toHaveLength(0);
  });

  it("falls back from a model the policy no longer allows and filters model lists", async () => {
    const user = await createSignedInUserInGroup({});
    await put(user.token, { llm: { provider: "openai", model: "o3" } });
    await tightenPolicy(user.groupId, { llm: { allowed_models: { openai: ["gpt-5-mini", "gpt-5"] } } });
    fakeProvider(() => json(200, { data: [] }));

    const llm = (await getConfig(user.token)).llm;
    expect(llm).toMatchObject({ model: { value: "gpt-5-mini", source: "system" } });
    expect(llm?.blocked).toEqual([expect.objectContaining({ field: "model", value: "o3", layer: "user" })]);
    const models = await listModels(user.token, "llm", "openai");
    const list = await bodyAt(models, 200);
    expect(list.models.sort()).toEqual(["gpt-5", "gpt-5-mini"]);
    const verify = await verifyKey(user.token, "llm", {
      provider: "openai",
      api_key: "sk-x-1234",
      model: "o3",
    });
    expect(verify.status).toBe(403);
  });
});
