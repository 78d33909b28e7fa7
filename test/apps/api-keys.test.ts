import { describe, expect, it } from "vitest";
import { bodyAt, call, createSignedInUser, loginAdmin, type RawRequest } from "../helpers";
import { lastAudit, readIssuedApiKey, secondsAgo, setIssuedApiKey } from "../seed";
import { createPersonalKey, createServiceAccount } from "./app-helpers";

const TOKEN_SHAPE = /^eu_pk_[A-Za-z0-9_-]{43}$/;

describe("personal API keys", () => {
  it("shows the secret once, stores only its hash, and lists name, prefix, scopes and dates", async () => {
    const user = await createSignedInUser();
    const created = await createPersonalKey(user.token, { name: "backup script", scopes: ["profile:read"] });
    expect(created.token).toMatch(TOKEN_SHAPE);
    expect(created.token.startsWith(created.prefix)).toBe(true);
    expect(created.prefix).toMatch(/^eu_pk_.{8}$/);

    const stored = await readIssuedApiKey(created.id);
    expect(JSON.stringify(stored)).not.toContain(created.token.slice(6));
    const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(created.token));
    expect(stored?.hash).toBe(Buffer.from(digest).toString("hex"));

    const body = await bodyAt(await user.api.users.me["api-keys"].$get(), 200);
    expect(body.data).toEqual([
      {
        id: created.id,
        name: "backup script",
        prefix: created.prefix,
        scopes: ["profile:read"],
        created_at: expect.any(String),
        expires_at: null,
        last_used_at: null,
      },
    ]);
    expect(JSON.stringify(body)).not.toContain(created.token);
    expect(await lastAudit("user.api_key_created", user.id)).toMatchObject({
      actorId: user.id,
      details: { key_id: created.id, prefix: created.prefix, scopes: ["profile:read"] },
    });
  });

  it("is accepted as a Bearer token on routes that name its scope, and only those", async () => {
    const user = await createSignedInUser();
    const { token } = await createPersonalKey(user.token, { scopes: ["profile:read"] });
    const me = await call("/users/me", { token: token });
    expect(me.status).toBe(200);
    expect(await me.json()).toMatchObject({ id: user.id });

    const config = await call("/users/me/config", { token: token });
    expect(config.status).toBe(403);
    expect(await config.json()).toMatchObject({ code: "insufficient_scope" });

    const reader = await createPersonalKey(user.token, { scopes: ["preferences:read"] });
    expect((await call("/users/me/config", { token: reader.token })).status).toBe(200);
    const put = await call("/users/me/config", { method: "PUT", json: { llm: null }, token: reader.token });
    expect(put.status).toBe(403);
    const writer = await createPersonalKey(user.token, { scopes: ["preferences:write"] });
    expect(
      (await call("/users/me/config", { method: "PUT", json: { llm: null }, token: writer.token })).status,
    ).toBe(200);
  });

  it("cannot create keys, change the password, sign out or reach administration", async () => {
    const { token: adminSession } = await loginAdmin();
    const all = ["profile:read", "preferences:read", "preferences:write", "credentials:mint"] as const;
    const { token } = await createPersonalKey(adminSession, { scopes: [...all] });
    const refused: [string, RawRequest][] = [
      ["/users/me/api-keys", { method: "POST", json: { name: "x", scopes: ["profile:read"] }, token: token }],
      ["/users/me/api-keys", { token: token }],
      [
        "/users/password",
        { method: "PUT", json: { current_password: "a", new_password: "b" }, token: token },
      ],
      ["/users/logout", { token: token, method: "POST" }],
      ["/users/admin/users", { token: token }],
      ["/users/admin/service-accounts", { token: token }],
      ["/users/me/profile", { method: "PUT", json: { bio: "x" }, token: token }],
    ];
    for (const [path, init] of refused) {
      const res = await call(path, init);
      expect(res.status, path).toBe(403);
      expect(await res.json(), path).toMatchObject({ code: "insufficient_scope" });
    }
  });

  it("is refused at once when revoked, expired, or the owner is disabled or their sessions end", async () => {
    const { token: admin } = await loginAdmin();
    const check = async (token: string) => (await call("/users/me", { token: token })).status;

    const user = await createSignedInUser();
    const revoked = await createPersonalKey(user.token, { scopes: ["profile:read"] });
    expect(await check(revoked.token)).toBe(200);
    const del = await call(`/users/me/api-keys/${revoked.id}`, { token: user.token, method: "DELETE" });
    expect(del.status).toBe(200);
    expect(await check(revoked.token)).toBe(401);
    expect(
      (await call(`/users/me/api-keys/${revoked.id}`, { token: user.token, method: "DELETE" })).status,
    ).toBe(404);

    const expired = await createPersonalKey(user.token, { scopes: ["profile:read"] });
    await setIssuedApiKey(expired.id, { expiresAt: secondsAgo(1) });
    expect(await check(expired.token)).toBe(401);

    const ended = await createPersonalKey(user.token, { scopes: ["profile:read"] });
    const end = await call(`/users/admin/users/${user.id}/sessions`, { token: admin, method: "DELETE" });
    expect(end.status).toBe(200);
    expect(await check(ended.token)).toBe(401);

    const other = await createSignedInUser();
    const disabled = await createPersonalKey(other.token, { scopes: ["profile:read"] });
    const status = await call(`/users/admin/users/${other.id}/status`, {
      method: "PUT",
      json: { status: "DISABLED" },
      token: admin,
    });
    expect(status.status).toBe(200);
    expect(await check(disabled.token)).toBe(401);
  });

  it("is refused when the owner is deleted, and for a malformed or unknown key", async () => {
    const { token: admin } = await loginAdmin();
    const user = await createSignedInUser();
    const { token } = await createPersonalKey(user.token, { scopes: ["profile:read"] });
    expect((await call(`/users/admin/users/${user.id}`, { token: admin, method: "DELETE" })).status).toBe(
      200,
    );
    expect((await call("/users/me", { token: token })).status).toBe(401);
    expect((await call("/users/me", { token: `eu_pk_${"A".repeat(43)}` })).status).toBe(401);
    expect((await call("/users/me", { token: "eu_pk_short" })).status).toBe(401);
  });

  it("records last use at most once per five minutes, without a write on every request", async () => {
    const user = await createSignedInUser();
    const key = await createPersonalKey(user.token, { scopes: ["profile:read"] });
    const lastUsed = async () => (await readIssuedApiKey(key.id))?.lastUsedAt;
    await call("/users/me", { token: key.token });
    const first = await lastUsed();
    expect(first).toEqual(expect.any(String));
    const oneMinuteAgo = secondsAgo(60);
    await setIssuedApiKey(key.id, { lastUsedAt: oneMinuteAgo });
    await call("/users/me", { token: key.token });
    expect(await lastUsed()).toBe(oneMinuteAgo);
    await setIssuedApiKey(key.id, { lastUsedAt: secondsAgo(600) });
    await call("/users/me", { token: key.token });
    expect(Date.parse((await lastUsed()) ?? "")).toBeGreaterThan(Date.now() - 10_000);
  });

  it("refuses bad input with 422 and more than 25 active keys with 409", async () => {
    const user = await createSignedInUser();
    const post = (body: unknown) =>
      call("/users/me/api-keys", { method: "POST", json: body, token: user.token });
    expect((await post({ name: "x", scopes: ["config:resolve"] })).status).toBe(422);
    expect((await post({ name: "x", scopes: [] })).status).toBe(422);
    expect((await post({ name: "x", scopes: ["profile:read", "profile:read"] })).status).toBe(422);
    expect((await post({ name: "", scopes: ["profile:read"] })).status).toBe(422);
    const past = await post({ name: "x", scopes: ["profile:read"], expires_at: "2020-01-01T00:00:00Z" });
    expect(past.status).toBe(422);
    expect(await past.json()).toMatchObject({ detail: [{ loc: ["body", "expires_at"] }] });
    const far = new Date(Date.now() + 400 * 86_400_000).toISOString();
    expect((await post({ name: "x", scopes: ["profile:read"], expires_at: far })).status).toBe(422);

    const soon = new Date(Date.now() + 86_400_000).toISOString();
    const withExpiry = await post({ name: "x", scopes: ["profile:read"], expires_at: soon });
    expect(await withExpiry.json()).toMatchObject({ expires_at: soon });
    await Promise.all(Array.from({ length: 24 }, () => post({ name: "x", scopes: ["profile:read"] })));
    const over = await post({ name: "x", scopes: ["profile:read"] });
    expect(over.status).toBe(409);
    expect(await over.json()).toMatchObject({ code: "api_key_limit" });
  });

  it("lets administrators list and revoke any user's keys, audited", async () => {
    const { token: admin } = await loginAdmin();
    const user = await createSignedInUser();
    const key = await createPersonalKey(user.token, { scopes: ["profile:read"] });
    const list = await call(`/users/admin/users/${user.id}/api-keys`, { token: admin });
    expect(list.status).toBe(200);
    expect(await list.json()).toMatchObject({ data: [{ id: key.id, prefix: key.prefix }] });
    expect((await call(`/users/admin/users/${crypto.randomUUID()}/api-keys`, { token: admin })).status).toBe(
      404,
    );
    expect((await call(`/users/admin/users/${user.id}/api-keys`, { token: user.token })).status).toBe(403);

    const revoke = await call(`/users/admin/users/${user.id}/api-keys/${key.id}`, {
      token: admin,
      method: "DELETE",
    });
    expect(revoke.status).toBe(200);
    expect((await call("/users/me", { token: key.token })).status).toBe(401);
    expect(await lastAudit("admin.api_key_revoked", user.id)).toMatchObject({ details: { key_id: key.id } });
  });

  it("treats a service account's key as no user: user routes answer 401", async () => {
    const { key } = await createServiceAccount(["config:resolve"]);
    expect(key.token).toMatch(/^eu_sk_[A-Za-z0-9_-]{43}$/);
    expect((await call("/users/me", { token: key.token })).status).toBe(401);
  });
});
