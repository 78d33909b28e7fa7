import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { client, createSignedInUser } from "../helpers";
import { startFakeIdp } from "../oidc/fake-idp";
import { bumpSessionEpoch, rewriteKvRecord, secondsAgo, sessionKeysOf, setUser } from "../seed";

/**
 * One authentication path: every place that asks "who is this" (route middleware for users and
 * administrators, and the OIDC link start) refuses the same three broken sessions.
 */
const breakages = {
  "a disabled user": (userId: string) => setUser(userId, { status: "DISABLED" }),
  "a bumped session epoch": (userId: string) => bumpSessionEpoch(userId),
  "an expired session": async (userId: string) => {
    for (const key of await sessionKeysOf(userId)) await rewriteKvRecord(key, { expiresAt: secondsAgo(1) });
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
