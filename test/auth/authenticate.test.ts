import { env } from "cloudflare:workers";
import { eq, sql } from "drizzle-orm";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { createDb } from "../../src/db/client";
import { users } from "../../src/db/schema";
import { authed, call, createSignedInUser, randomIp } from "../helpers";
import { startFakeIdp } from "../oidc/fake-idp";

/**
 * One authentication path: every place that asks "who is this" (route middleware for users and
 * administrators, and the OIDC link start) refuses the same three broken sessions.
 */
const db = createDb(env.DB);

const breakages = {
  "a disabled user": async (userId: string) => {
    await db.update(users).set({ status: "DISABLED" }).where(eq(users.id, userId));
  },
  "a bumped session epoch": async (userId: string) => {
    await db
      .update(users)
      .set({ sessionEpoch: sql`${users.sessionEpoch} + 1` })
      .where(eq(users.id, userId));
  },
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
  "GET /users/me": (token: string) => call("/users/me", authed(token)),
  "GET /users/admin/users": (token: string) => call("/users/admin/users", authed(token)),
  "GET /users/login?link=true": (token: string) =>
    call(
      "/users/login?link=true",
      authed(token, { redirect: "manual", headers: { "cf-connecting-ip": randomIp() } }),
    ),
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
