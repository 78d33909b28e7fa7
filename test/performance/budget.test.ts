import { beforeAll, describe, expect, it } from "vitest";
import { createPersonalKey } from "../apps/app-helpers";
import { api, call, createSignedInUser, login, loginAdmin } from "../helpers";
import { fakeProvider, json } from "../preferences/fake-provider";
import { storageCounts } from "./server-timing";

/**
 * The round-trip budget (docs/performance.md), pinned by counts from Server-Timing, not times.
 * A batch is one D1 round trip. Authentication is one KV read and one D1 read.
 */
let user: Awaited<ReturnType<typeof createSignedInUser>>;
let admin: Awaited<ReturnType<typeof loginAdmin>>;
beforeAll(async () => {
  admin = await loginAdmin(); // also runs the once-per-isolate bootstrap check
  user = await createSignedInUser();
});

describe("Server-Timing", () => {
  it("is on every answer to a signed-in caller, errors included, with counts and a total", async () => {
    for (const res of [
      await call("/users/me/config", { token: user.token }),
      await call("/users/me", { token: user.token }),
      await call("/users/admin/users", { token: user.token }), // 403
    ]) {
      expect(res.headers.get("server-timing")).toMatch(
        /^d1;desc="\d+ round trips?";dur=\d+, kv;desc="[^"]*";dur=\d+, total;dur=\d+$/,
      );
    }
  });

  it("is not on anonymous answers (docs/browser-security.md, enumeration)", async () => {
    for (const res of [await api.health.$get(), await api.users.me.$get(), await call("/nope")]) {
      expect(res.headers.get("server-timing")).toBeNull();
    }
  });
});

describe("authenticated reads: at most one D1 round trip and two KV reads", () => {
  it.each(["/users/me", "/users/me/profile", "/users/me/config", "/users/me/config/providers"])(
    "%s",
    async (path) => {
      const res = await call(path, { token: user.token });
      expect(res.status).toBe(200);
      const counts = storageCounts(res);
      expect(counts.d1).toBeLessThanOrEqual(1);
      expect(counts.kvRead).toBeLessThanOrEqual(2);
      expect(counts.kvWrite + counts.kvDelete).toBe(0);
    },
  );

  it("/users/me/config with a personal API key: the key and its owner in one round trip", async () => {
    const { token } = await createPersonalKey(user.token, { scopes: ["preferences:read"] });
    await call("/users/me/config", { token }); // the first use records "last used" (a write)
    const res = await call("/users/me/config", { token });
    expect(res.status).toBe(200);
    expect(storageCounts(res)).toMatchObject({ d1: 1, kvRead: 0, kvWrite: 0 });
  });

  it("/users/me/config/models on a cache hit", async () => {
    const owner = await createSignedInUser();
    await owner.api.users.me.config.$put({
      header: {},
      json: { llm: { provider: "openai", api_key: "sk-1234" } },
    });
    fakeProvider(() => json(200, { data: [{ id: "gpt-5" }] }));
    const models = () =>
      owner.api.users.me.config.models.$get({ query: { provider_name: "openai", section: "llm" } });
    await models();
    const hit = await models();
    expect(await hit.clone().json()).toMatchObject({ cached: true });
    const counts = storageCounts(hit);
    expect(counts.d1).toBeLessThanOrEqual(1);
    expect(counts.kvRead).toBeLessThanOrEqual(2);
  });
});

describe("writes: one D1 batch besides the authentication read", () => {
  it("PUT /users/me/profile", async () => {
    const res = await user.api.users.me.profile.$put({ json: { bio: "budget" } });
    expect(res.status).toBe(200);
    expect(storageCounts(res).d1).toBe(2);
  });

  it("PUT /users/me/config, with a key", async () => {
    const res = await user.api.users.me.config.$put({
      header: {},
      json: { llm: { provider: "groq", api_key: "gsk-9999" } },
    });
    expect(res.status).toBe(200);
    expect(storageCounts(res).d1).toBe(2);
  });

  it("admin role change", async () => {
    const target = await createSignedInUser();
    const res = await admin.api.users.admin.users[":uid"].role.$put({
      param: { uid: target.id },
      json: { role: "admin" },
    });
    expect(res.status).toBe(200);
    expect(storageCounts(res).d1).toBe(2);
  });
});

describe("sign-in and admin list", () => {
  it("local sign-in: at most two D1 round trips and one KV write", async () => {
    const res = await login(user.username, user.password);
    expect(res.status).toBe(200);
    const counts = storageCounts(res);
    expect(counts.d1).toBeLessThanOrEqual(2);
    expect(counts.kvWrite).toBe(1);
  });

  it("admin list with search: one D1 round trip (page + count batch) besides authentication", async () => {
    const res = await admin.api.users.admin.users.$get({ query: { search: "user", per_page: "50" } });
    expect(res.status).toBe(200);
    expect(storageCounts(res).d1).toBe(2);
  });
});

describe("D1 read replication (Sessions API)", () => {
  it("returns a bookmark and accepts it back for read-your-writes", async () => {
    const write = await user.api.users.me.profile.$put({ json: { bio: "bookmarked" } });
    const bookmark = write.headers.get("x-d1-bookmark");
    expect(bookmark).toBeTruthy();
    const read = await user.api.users.me.profile.$get({}, { headers: { "x-d1-bookmark": bookmark ?? "" } });
    expect(await read.json()).toMatchObject({ bio: "bookmarked" });
  });

  it.each(["garbage", "0".repeat(500), "../../etc", "00000000-00000000-00000000-zz"])(
    "ignores a malformed bookmark (%s) instead of failing",
    async (bookmark) => {
      const res = await user.api.users.me.$get({}, { headers: { "x-d1-bookmark": bookmark } });
      expect(res.status).toBe(200);
    },
  );
});
