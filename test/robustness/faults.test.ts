import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it } from "vitest";
import { createApp } from "../../src/app";
import { clearFaults, d1FaultPending, injectFaults } from "../../src/platform/faults";
import { diffSnapshots, snapshotD1 } from "../fuzz/d1-snapshot";
import { bodyAt, call, createSignedInUser } from "../helpers";
import { fakeProvider } from "../preferences/fake-provider";

afterEach(() => clearFaults());

interface Write {
  name: string;
  prepare: () => Promise<() => Promise<Response>>;
}

const form = (yaml: string) => {
  const body = new FormData();
  body.append("file", new File([yaml], "prefs.yaml", { type: "application/yaml" }));
  return body;
};

/** Multi-statement writes: each runs as one D1 batch. */
const writes: Write[] = [
  {
    name: "PUT /users/me/config with a key",
    prepare: async () => {
      const user = await createSignedInUser();
      return () =>
        call("/users/me/config", {
          method: "PUT",
          json: { llm: { provider: "openai", api_key: "sk-fault-1234" } },
          token: user.token,
        });
    },
  },
  {
    name: "PUT /users/me/profile",
    prepare: async () => {
      const user = await createSignedInUser();
      return () => call("/users/me/profile", { method: "PUT", json: { bio: "faulty" }, token: user.token });
    },
  },
  {
    name: "PUT /users/password",
    prepare: async () => {
      const user = await createSignedInUser();
      return () =>
        call("/users/password", {
          method: "PUT",
          json: { current_password: user.password, new_password: "a new faulty pass" },
          token: user.token,
        });
    },
  },
  {
    name: "POST /users/me/config/import",
    prepare: async () => {
      const user = await createSignedInUser();
      const yaml =
        "version: 1\npreferences:\n  llm:\n    provider: anthropic\n    api_key: sk-ant-fault-9\n  tts: null\n  stt: null\n";
      return () => call("/users/me/config/import", { token: user.token, method: "POST", body: form(yaml) });
    },
  },
  {
    name: "POST /users/admin/users",
    prepare: async () => {
      const admin = await createSignedInUser({ role: "admin" });
      const username = `f-${crypto.randomUUID().slice(0, 8)}`;
      return () =>
        call("/users/admin/users", {
          method: "POST",
          json: { username, password: "a long enough pass" },
          token: admin.token,
        });
    },
  },
  {
    name: "PUT /users/admin/users/{uid}/role",
    prepare: async () => {
      const admin = await createSignedInUser({ role: "admin" });
      const target = await createSignedInUser();
      return () =>
        call(`/users/admin/users/${target.id}/role`, {
          method: "PUT",
          json: { role: "admin" },
          token: admin.token,
        });
    },
  },
  {
    name: "DELETE /users/admin/groups/{gid} with members",
    prepare: async () => {
      const admin = await createSignedInUser({ role: "admin" });
      const created = await admin.api.users.admin.groups.$post({
        json: { name: `fault-${crypto.randomUUID()}` },
      });
      const { id } = await bodyAt(created, 201);
      const member = await createSignedInUser();
      await call(`/users/admin/users/${member.id}/group`, {
        method: "PUT",
        json: { group_id: id },
        token: admin.token,
      });
      return () => call(`/users/admin/groups/${id}`, { token: admin.token, method: "DELETE" });
    },
  },
];

describe("fault injection: D1 failing inside a batch", () => {
  for (const write of writes) {
    it(`${write.name}: a failure at any statement leaves nothing applied and answers 503`, async () => {
      const run = await write.prepare();
      for (let at = 0; at < 12; at++) {
        const before = await snapshotD1();
        injectFaults({ failD1BatchAt: at });
        const res = await run();
        if (d1FaultPending()) {
          // The batch was shorter than `at`: the write went through; every statement has been tried.
          expect(res.status).toBeLessThan(300);
          return;
        }
        expect(res.status).toBe(503);
        expect(await res.json()).toMatchObject({ code: "storage_unavailable" });
        expect(diffSnapshots(before, await snapshotD1())).toEqual([]);
      }
      throw new Error("no batch shorter than 12 statements?");
    });
  }
});

describe("fault injection: KV failing", () => {
  it("answers 503 with a clear message when sessions cannot be read", async () => {
    const user = await createSignedInUser();
    injectFaults({ failKv: ["read"] });
    const res = await call("/users/me", { token: user.token });
    expect(res.status).toBe(503);
    expect(res.headers.get("retry-after")).toBe("5");
    expect(await res.json()).toEqual({
      detail: "Session storage is unavailable; try again shortly",
      code: "storage_unavailable",
    });
  });

  it("answers 503 when a session cannot be written at sign-in", async () => {
    const user = await createSignedInUser();
    injectFaults({ failKv: ["write"] });
    const res = await call("/users/login/local", {
      method: "POST",
      json: { username: user.username, password: user.password },
    });
    expect(res.status).toBe(503);
  });
});

describe("providers that misbehave get a classified result", () => {
  const app = createApp();
  // The same Worker with a short provider timeout.
  const shortTimeout = (request: Request) =>
    Promise.resolve(app.fetch(request, { ...env, PROVIDER_TIMEOUT_MS: "300" }));

  it("garbage and truncated JSON in a model list fall back to the static list", async () => {
    const user = await createSignedInUser();
    await call("/users/me/config", {
      method: "PUT",
      json: { llm: { provider: "openai", api_key: "sk-garbage-1" } },
      token: user.token,
    });
    for (const body of ["<html>oops</html>", '{"data":[{"id":"gpt', "\u0000\u0001binary"]) {
      fakeProvider(
        () => new Response(body, { status: 200, headers: { "content-type": "application/json" } }),
      );
      await env.KV.delete(`models:${crypto.randomUUID()}`);
      const res = await call("/users/me/config/models?section=llm&provider_name=openai", {
        token: user.token,
      });
      expect(res.status).toBe(200);
      expect(await res.json()).toMatchObject({ source: "static" });
    }
  });

  it("a slow trickle is cut at the timeout and classified as timeout", async () => {
    const user = await createSignedInUser();
    fakeProvider(
      () =>
        new Response(
          new ReadableStream({
            async pull(controller) {
              await new Promise((r) => setTimeout(r, 100));
              controller.enqueue(new TextEncoder().encode(" "));
            },
          }),
          { status: 200 },
        ),
    );
    const res = await call("/users/me/config/verify_llm", {
      worker: shortTimeout,
      method: "POST",
      json: { provider: "openai", api_key: "sk-slow-1234" },
      token: user.token,
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ ok: false, status: "timeout" });
  });
});
