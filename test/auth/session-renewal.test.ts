import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { createApp } from "../../src/app";
import { BASE, bodyAt, call, client, createSignedInUser, loginAdmin } from "../helpers";
import { storageCounts } from "../performance/server-timing";
import { rewriteKvRecord, sessionKeyOf } from "../seed";

/**
 * Sessions renew (docs/access-tokens.md, "Renewal"): activity extends a session up to its absolute
 * lifetime (SESSION_TTL_SECONDS) past the idle timeout (SESSION_IDLE_SECONDS, 28,800 s here), with
 * at most one KV write per renewal interval (300 s here), visible in the admin session list.
 */
const minutesAgo = (m: number) => new Date(Date.now() - m * 60_000).toISOString();

async function rewrite(token: string, change: Record<string, string>, drop: string[] = []) {
  await rewriteKvRecord(await sessionKeyOf(token), change, drop);
}

let admin: string;
beforeAll(async () => {
  admin = (await loginAdmin()).token;
});

describe("session renewal", () => {
  it("a fresh session is not rewritten on every request", async () => {
    const user = await createSignedInUser();
    for (let i = 0; i < 3; i++) {
      const res = await call("/users/me/profile", { token: user.token });
      expect(storageCounts(res).kvWrite).toBe(0);
    }
  });

  it("renews once the interval has passed, and the session list shows it", async () => {
    const user = await createSignedInUser();
    await rewrite(user.token, { lastSeenAt: minutesAgo(10) });
    const renewing = await call("/users/me/profile", { token: user.token });
    expect(renewing.status).toBe(200);
    expect(storageCounts(renewing).kvWrite).toBe(1);
    expect(storageCounts(await call("/users/me/profile", { token: user.token })).kvWrite).toBe(0);

    const list = client({ token: admin }).users.admin.users[":uid"].sessions.$get({
      param: { uid: user.id },
    });
    const { data } = await bodyAt(await list, 200);
    expect(data).toHaveLength(1);
    expect(Date.now() - Date.parse(data[0]?.last_seen_at ?? "")).toBeLessThan(60_000);
  });

  it("ends a session idle for longer than SESSION_IDLE_SECONDS", async () => {
    const user = await createSignedInUser();
    await rewrite(user.token, { lastSeenAt: minutesAgo(8 * 60 + 1) });
    expect((await call("/users/me/profile", { token: user.token })).status).toBe(401);
  });

  it("never extends past the absolute lifetime", async () => {
    const user = await createSignedInUser();
    await rewrite(user.token, {
      lastSeenAt: minutesAgo(10),
      expiresAt: new Date(Date.now() - 1000).toISOString(),
    });
    expect((await call("/users/me/profile", { token: user.token })).status).toBe(401);
  });

  it("treats a record without lastSeenAt (issued before renewal existed) as last seen at creation", async () => {
    const user = await createSignedInUser();
    await rewrite(user.token, { createdAt: minutesAgo(20) }, ["lastSeenAt"]);
    const renewed = await call("/users/me/profile", { token: user.token });
    expect(renewed.status).toBe(200);
    expect(storageCounts(renewed).kvWrite).toBe(1);
    await rewrite(user.token, { createdAt: minutesAgo(8 * 60 + 1) }, ["lastSeenAt"]);
    expect((await call("/users/me/profile", { token: user.token })).status).toBe(401);
  });

  it("rejects malformed or out-of-range settings with 503 misconfigured", async () => {
    const user = await createSignedInUser();
    const app = createApp();
    for (const vars of [
      { SESSION_IDLE_SECONDS: "10" },
      { ACCESS_TOKEN_TTL_SECONDS: "5" },
      { ACCESS_TOKEN_TTL_SECONDS: "901" },
      { AUTH_MODE: "lenient" },
      { ACCESS_TOKEN_ISSUER: "not a url" },
    ]) {
      const res = await app.request(
        `${BASE}/users/me/profile`,
        { headers: { authorization: `Bearer ${user.token}` } },
        { ...env, ...vars },
      );
      expect(res.status).toBe(503);
      expect(await res.json()).toMatchObject({ code: "misconfigured" });
    }
  });
});
