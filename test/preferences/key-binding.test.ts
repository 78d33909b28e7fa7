import { describe, expect, it } from "vitest";
import { bodyAt, createSignedInUser } from "../helpers";
import { fakeProvider, json } from "./fake-provider";
import { getConfig, listModels, putConfig as put, uploadYaml as upload, verifyKey } from "./requests";

/** A stored provider key follows its destination, and every write path forgets stale model lists. */
const storeKeyForGoodHost = (token: string, api_key: string) =>
  put(token, { llm: { provider: "openai_compatible", base_url: "https://good.example.com/v1", api_key } });
const llmKey = async (token: string) => (await getConfig(token)).body.effective.llm.api_key.set;

describe("a stored key is bound to the provider and base URL it was saved for", () => {
  it("drops the key when only base_url changes, so it is never sent to the new host", async () => {
    const user = await createSignedInUser();
    await storeKeyForGoodHost(user.token, "sk-bound-1234");
    expect(await llmKey(user.token)).toBe(true);
    const moved = await put(user.token, {
      llm: { provider: "openai_compatible", base_url: "https://evil.example.net/v1" },
    });
    expect(moved.status).toBe(200);
    expect(await llmKey(user.token)).toBe(false);

    const calls = fakeProvider(() => json(200, { data: [{ id: "m" }] }));
    await listModels(user.token, "llm", "openai_compatible");
    await verifyKey(user.token, "llm", { provider: "openai_compatible" });
    expect(calls.every((c) => c.headers.authorization === undefined)).toBe(true);
    expect(JSON.stringify(calls)).not.toContain("sk-bound-1234");
  });

  it("drops the key when a YAML import moves the base URL", async () => {
    const user = await createSignedInUser();
    await storeKeyForGoodHost(user.token, "sk-bound-5678");
    const res = await upload(
      user.token,
      "version: 1\npreferences:\n  llm:\n    provider: openai_compatible\n    base_url: https://evil.example.net/v1\n",
    );
    expect(res.status).toBe(200);
    expect(await llmKey(user.token)).toBe(false);
  });

  it("keeps the key when the same write gives a new key for the new URL", async () => {
    const user = await createSignedInUser();
    await put(user.token, {
      llm: { provider: "openai_compatible", base_url: "https://a.example.com/v1", api_key: "sk-first-1111" },
    });
    await put(user.token, {
      llm: { provider: "openai_compatible", base_url: "https://b.example.com/v1", api_key: "sk-second-2222" },
    });
    const calls = fakeProvider(() => json(200, { data: [] }));
    await verifyKey(user.token, "llm", { provider: "openai_compatible" });
    expect(calls[0]).toMatchObject({ url: "https://b.example.com/v1/models" });
    expect(calls[0]?.headers.authorization).toBe("Bearer sk-second-2222");
  });
});

describe("model-list cache", () => {
  it("is forgotten when a YAML import sets a new key, as when PUT does", async () => {
    const user = await createSignedInUser();
    await put(user.token, { llm: { provider: "openai", api_key: "sk-old-key-0000" } });
    let served = ["old-model"];
    fakeProvider(() => json(200, { data: served.map((id) => ({ id })) }));
    const list = async () => {
      const res = await listModels(user.token, "llm", "openai");
      return (await bodyAt(res, 200)).models;
    };
    expect(await list()).toEqual(["old-model"]);
    served = ["new-model"];
    const res = await upload(
      user.token,
      "version: 1\npreferences:\n  llm:\n    provider: openai\n    api_key: sk-new-key-9999\n",
    );
    expect(res.status).toBe(200);
    expect(await list()).toEqual(["new-model"]);
  });
});

describe("YAML import limits", () => {
  it("refuses deeply nested documents with our own message, not the engine's", async () => {
    const user = await createSignedInUser();
    for (const yaml of [
      "[".repeat(5000),
      `version: 1\npreferences: ${"[".repeat(3000)}${"]".repeat(3000)}\n`,
      "- ".repeat(4000),
    ]) {
      const res = await upload(user.token, yaml);
      expect(res.status).toBe(400);
      expect(await res.json()).toMatchObject({
        code: "invalid_yaml",
        detail: expect.not.stringMatching(/call stack/i),
      });
    }
  });
});
