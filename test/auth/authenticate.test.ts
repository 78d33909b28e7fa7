import { env } from "cloudflare:workers";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { client, createSignedInUser } from "../helpers";
import { startFakeIdp } from "../oidc/fake-idp";
import { bumpSessionEpoch, setUser } from "../seed";

/**
 * One authentication path: every place that asks "who is this" (route middleware for users and
 * administrators, and the OIDC link start) refuses the same three broken sessions.
 */
const breakages = {
  "a disabled user": (userId: string) => setUser(userId, { status: "DISABLED" }),
  "a bumped session epoch": (userId: string) => bumpSessionEpoch(userId),
  "an expired session": async (userId: string) => {
    const { keys } = await env.KV.list({ prefix: `session:${userId}:` });
    for (const { name } of keys) {
      const record: unknown = await env.KV.get(name, "json");
      if (typeof record !== "object" || record === null) throw new Error("no session record");
      const expired = { ...record, expiresAt: new Date(Date.now() - 1000).toISOString() };
      await env.KV.put(name, JSON.stringify(expired));
    }
  },
};

const paths = {
  "GET /users/me": (token: string) => client({ token }).users.me.$get(),
  "GET /users/admin/users": (token: string) => client({ token }).users.admin.users.$get({ query: {} }),
  "GET /users/login?link=true": (token: string) =>
    client({ token }).users.login.$get({ query: { link: "true" } }),
};

beforeEach(async () => {
  await startFakeIdp();
});
afterEach(() => {
  vi.restoreAllMocks();
});

describe("authenticate", () => {
  for (const [path, request] of Object.entries(paths)) {
    it(`${path} accepts a valid administrator session`, async () => {
      const admin = await createSignedInUser({ role: "admin" });
      expect([200, 302]).toContain((await request(admin.token)).status);
    });

    for (const [breakage, breakSession] of Object.entries(breakages)) {
      it(`${path} refuses ${breakage} with 401`, async () => {
        const admin = await createSignedInUser({ role: "admin" });
        await breakSession(admin.id);
        const res = await request(admin.token);
        expect(res.status).toBe(401);
        expect(await res.json()).toEqual({ detail: "Session expired or revoked", code: "unauthorized" });
      });
    }
  }
});
