import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { api, bodyAt, call, client, createSignedInUser, createUser, login, sessionFrom } from "./helpers";
import {
  auditCount,
  bumpSessionEpoch,
  readUser,
  rewriteKvRecord,
  secondsAgo,
  sessionKeyOf,
  setUser,
} from "./seed";

describe("GET /users/me", () => {
  it("returns the signed-in user with their group", async () => {
    const user = await createSignedInUser();
    const body = await bodyAt(await user.api.users.me.$get(), 200);
    expect(body).toMatchObject({
      id: user.id,
      username: user.username,
      role: "user",
      status: "ACTIVE",
      identity_source: "LOCAL",
      group: { id: "ungrouped", name: "ungrouped" },
    });
    expect(body).not.toHaveProperty("password_hash");
  });

  it("accepts the session cookie as well as the Bearer header", async () => {
    const user = await createUser();
    const res = await login(user.username, user.password);
    const cookie = (res.headers.get("set-cookie") ?? "").split(";")[0] ?? "";
    const me = await client({ headers: { cookie } }).users.me.$get();
    expect(me.status).toBe(200);
  });

  it("answers 401 without a session, with a malformed token, and with a forged one", async () => {
    const user = await createSignedInUser();
    const forged = `${user.id}.${"A".repeat(43)}`;
    expect((await api.users.me.$get()).status).toBe(401);
    expect((await client({ token: "not-a-token" }).users.me.$get()).status).toBe(401);
    const res = await client({ token: forged }).users.me.$get();
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({ detail: "Session expired or revoked", code: "unauthorized" });
  });

  it("never trusts a spoofed X-User-ID header", async () => {
    const victim = await createUser();
    const res = await client({ headers: { "X-User-ID": victim.id } }).users.me.$get();
    expect(res.status).toBe(401);
    const attacker = await createSignedInUser();
    const mine = await client({ token: attacker.token, headers: { "X-User-ID": victim.id } }).users.me.$get();
    expect((await bodyAt(mine, 200)).id).toBe(attacker.id);
  });

  it("refuses a session whose token has been replaced by another user's id", async () => {
    const a = await createSignedInUser();
    const b = await createUser();
    const secret = a.token.split(".")[1];
    expect((await client({ token: `${b.id}.${secret}` }).users.me.$get()).status).toBe(401);
  });

  it("ends sessions at once when the account is disabled, deleted or its epoch bumped", async () => {
    const disabled = await createSignedInUser();
    const deleted = await createSignedInUser();
    const revoked = await createSignedInUser();
    await setUser(disabled.id, { status: "DISABLED" });
    await setUser(deleted.id, { deletedAt: "2026-01-01T00:00:00.000Z" });
    await bumpSessionEpoch(revoked.id);
    for (const u of [disabled, deleted, revoked]) expect((await u.api.users.me.$get()).status).toBe(401);
  });

  it("refuses an expired session even if KV still returns it", async () => {
    const user = await createSignedInUser();
    await rewriteKvRecord(await sessionKeyOf(user.token), { expiresAt: secondsAgo(1) });
    expect((await user.api.users.me.$get()).status).toBe(401);
  });

  it("stores only a hash of the token in KV", async () => {
    const user = await createSignedInUser();
    const secret = user.token.split(".")[1] ?? "";
    const { keys } = await env.KV.list({ prefix: `session:${user.id}:` });
    expect(keys).toHaveLength(1);
    const raw = await env.KV.get(keys[0]?.name ?? "");
    expect(keys[0]?.name).not.toContain(secret);
    expect(raw).not.toContain(secret);
  });
});

describe("GET and PUT /users/me/profile", () => {
  it("updates the given fields and leaves the others", async () => {
    const user = await createSignedInUser();
    const update = {
      display_name: "Ada Lovelace",
      email: "Ada@Example.org",
      avatar_url: "https://cdn.example.org/ada.png",
      bio: "Analyst",
      timezone: "Europe/London",
      locale: "en-GB",
    };
    const res = await user.api.users.me.profile.$put({ json: update });
    expect(await bodyAt(res, 200)).toMatchObject({ ...update, email: "ada@example.org" });
    await user.api.users.me.profile.$put({ json: { bio: null } });
    const after = await bodyAt(await user.api.users.me.profile.$get(), 200);
    expect(after).toMatchObject({ display_name: "Ada Lovelace", bio: null, timezone: "Europe/London" });
  });

  it.each([
    [{ email: "not-an-email" }, "email"],
    [{ avatar_url: "http://insecure.example.org/a.png" }, "avatar_url"],
    [{ avatar_url: "javascript:alert(1)" }, "avatar_url"],
    [{ timezone: "Mars/Olympus_Mons" }, "timezone"],
    [{ locale: "not a locale!" }, "locale"],
    [{ bio: "x".repeat(1001) }, "bio"],
    [{ display_name: 42 }, "display_name"],
  ])("refuses %j with 422 naming the field", async (body, field) => {
    const user = await createSignedInUser();
    // Raw: the typed client would not let a wrongly typed field through.
    const res = await call("/users/me/profile", { method: "PUT", json: body, token: user.token });
    expect(res.status).toBe(422);
    expect(await res.json()).toMatchObject({ detail: [{ loc: ["body", field] }] });
  });

  it.each(["role", "status", "group_id", "id", "username", "identity_source"])(
    "refuses an attempt to set %s through the profile, changing nothing",
    async (field) => {
      const user = await createSignedInUser();
      const res = await call("/users/me/profile", {
        method: "PUT",
        json: { display_name: "X", [field]: "admin" },
        token: user.token,
      });
      expect(res.status).toBe(422);
      expect(await readUser(user.id)).toMatchObject({ role: "user", displayName: null });
    },
  );
});

describe("PUT /users/password", () => {
  const change = (token: string, current: string, next: string) =>
    client({ token }).users.password.$put({ json: { current_password: current, new_password: next } });

  it("changes the password, keeps this session and ends every other one", async () => {
    const user = await createSignedInUser();
    const other = await sessionFrom(await login(user.username, user.password, "198.51.100.250"));
    const res = await change(user.token, user.password, "a brand new passphrase");
    expect(res.status).toBe(200);
    expect((await user.api.users.me.$get()).status).toBe(200);
    expect((await client({ token: other.token }).users.me.$get()).status).toBe(401);
    expect((await login(user.username, user.password)).status).toBe(401);
    expect((await login(user.username, "a brand new passphrase")).status).toBe(200);
    expect(await auditCount({ action: "user.password_changed", targetId: user.id })).toBe(1);
  });

  it("requires the current password", async () => {
    const user = await createSignedInUser();
    const res = await change(user.token, "not my password", "a brand new passphrase");
    expect(res.status).toBe(403);
    expect(await res.json()).toMatchObject({ code: "wrong_password" });
  });

  it.each([
    ["too short", "short pw"],
    ["too long", "x".repeat(129)],
  ])("enforces the password policy: %s", async (_label, next) => {
    const user = await createSignedInUser();
    const res = await change(user.token, user.password, next);
    expect(res.status).toBe(422);
  });

  it("refuses a new password equal to the username", async () => {
    const user = await createSignedInUser({ username: `longusername-${crypto.randomUUID().slice(0, 8)}` });
    const res = await change(user.token, user.password, user.username);
    expect(res.status).toBe(422);
    expect(JSON.stringify(await res.json())).toContain("username");
  });
});
