import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { call, createSignedInUser, createSignedInUserInGroup, loginAdmin } from "../helpers";
import { lastAudit, readUser, readUserByUsername, setProviderKeys } from "../seed";
import { createPersonalKey, createServiceAccount } from "./app-helpers";

const KEY = "sk-user-openai-key-0123456789";
const put = (token: string, body: unknown) =>
  call("/users/me/config", { method: "PUT", json: body, token: token });
const resolved = (token: string, uid: string, section = "llm", headers: Record<string, string> = {}) =>
  call(`/users/${uid}/config/resolved?section=${section}`, { token: token, headers });

// Spies (console, the rate limiter) end with their test.
afterEach(() => {
  vi.restoreAllMocks();
});

describe("service accounts", () => {
  it("are created, listed and deleted by administrators only, audited", async () => {
    const { admin, account, key } = await createServiceAccount(["config:resolve"]);
    const list = await call("/users/admin/service-accounts", { token: admin });
    expect(await list.json()).toMatchObject({
      data: expect.arrayContaining([expect.objectContaining({ id: account.id })]),
    });
    const dup = await call("/users/admin/service-accounts", {
      method: "POST",
      json: { name: account.name.toUpperCase() },
      token: admin,
    });
    expect(dup.status).toBe(409);
    expect(await dup.json()).toMatchObject({ code: "service_account_name_taken" });
    const keys = await call(`/users/admin/service-accounts/${account.id}/keys`, { token: admin });
    expect(await keys.json()).toMatchObject({ data: [{ id: key.id, scopes: ["config:resolve"] }] });

    const user = await createSignedInUser();
    expect((await call("/users/admin/service-accounts", { token: user.token })).status).toBe(403);
    const badScope = await call(`/users/admin/service-accounts/${account.id}/keys`, {
      method: "POST",
      json: { name: "x", scopes: ["preferences:write"] },
      token: admin,
    });
    expect(badScope.status).toBe(422);

    expect((await resolved(key.token, user.id)).status).toBe(200);
    const del = await call(`/users/admin/service-accounts/${account.id}`, { token: admin, method: "DELETE" });
    expect(del.status).toBe(200);
    expect((await resolved(key.token, user.id)).status).toBe(401);
    expect(await lastAudit("admin.service_account_deleted", account.id)).not.toBeNull();
    expect(
      (await call(`/users/admin/service-accounts/${account.id}`, { token: admin, method: "DELETE" })).status,
    ).toBe(404);
  });

  it("cannot sign in: they have no password and no user row", async () => {
    const { account } = await createServiceAccount(["config:resolve"]);
    expect(await readUser(account.id)).toBeNull();
    expect(await readUserByUsername(account.name)).toBeNull();
    const login = await call("/users/login/local", {
      method: "POST",
      json: { username: account.name, password: "whatever-long-pw" },
    });
    expect(login.status).toBe(401);
  });
});

describe("GET /users/{uid}/config/resolved", () => {
  it("returns the effective section with the decrypted key, audited with who, whom, what and where", async () => {
    const user = await createSignedInUser();
    expect(
      (await put(user.token, { llm: { provider: "openai", model: "gpt-5", api_key: KEY } })).status,
    ).toBe(200);
    const { account, key } = await createServiceAccount(["config:resolve"]);
    const log = vi.spyOn(console, "log");
    const error = vi.spyOn(console, "error");
    const res = await resolved(key.token, user.id, "llm", { "cf-connecting-ip": "203.0.113.9" });
    expect(res.status).toBe(200);
    expect(res.headers.get("cache-control")).toBe("no-store");
    expect(await res.json()).toEqual({
      user_id: user.id,
      section: "llm",
      provider: "openai",
      model: "gpt-5",
      base_url: "https://api.openai.com/v1",
      options: {},
      api_key: KEY,
      blocked: [],
    });
    for (const header of res.headers.values()) expect(header).not.toContain(KEY);
    for (const spy of [log, error]) expect(JSON.stringify(spy.mock.calls)).not.toContain(KEY);
    const audit = await lastAudit("service.config_resolved", user.id);
    expect(audit).toMatchObject({
      actorId: account.id,
      ip: "203.0.113.9",
      details: {
        service_account: account.name,
        key_id: key.id,
        section: "llm",
        provider: "openai",
        key_returned: true,
      },
    });
    expect(JSON.stringify(audit)).not.toContain(KEY);

    const tts = await resolved(key.token, user.id, "tts");
    expect(await tts.json()).toMatchObject({ provider: "openai", api_key: null });
  });

  it("applies the group policy as it is now: blocked values are never returned, nor a refused key", async () => {
    const user = await createSignedInUserInGroup({});
    await put(user.token, { llm: { provider: "anthropic", model: "claude-opus-4-7", api_key: KEY } });
    const { token: admin } = await loginAdmin();
    await call(`/users/admin/groups/${user.groupId}`, {
      method: "PUT",
      json: {
        policy: { llm: { allowed_models: { anthropic: ["claude-haiku-4-5"] }, allow_user_keys: false } },
      },
      token: admin,
    });
    const { key } = await createServiceAccount(["config:resolve"]);
    const res = await resolved(key.token, user.id);
    const body: { model: string | null; api_key: string | null; blocked: { field: string }[] } =
      await res.json();
    expect(body).toMatchObject({ provider: "anthropic", model: null, api_key: null });
    expect(body.blocked.map((b) => b.field).sort()).toEqual(["api_key", "model"]);
    expect(JSON.stringify(body)).not.toContain(KEY);
  });

  it("never returns a key saved for another base URL", async () => {
    const user = await createSignedInUser();
    await put(user.token, {
      llm: { provider: "openai_compatible", base_url: "https://llm.example.com/v1", api_key: KEY },
    });
    await setProviderKeys({ only: [user.id] }, { baseUrl: "https://other.example.com/v1" });
    const { key } = await createServiceAccount(["config:resolve"]);
    expect(await (await resolved(key.token, user.id)).json()).toMatchObject({
      base_url: "https://llm.example.com/v1",
      api_key: null,
    });
  });

  it("refuses sessions, personal keys, keys without the scope, revoked keys and disabled users", async () => {
    const user = await createSignedInUser();
    const personal = await createPersonalKey(user.token, { scopes: ["preferences:read"] });
    expect((await resolved(user.token, user.id)).status).toBe(401);
    expect((await resolved(personal.token, user.id)).status).toBe(401);
    const minter = await createServiceAccount(["credentials:mint"]);
    const lacking = await resolved(minter.key.token, user.id);
    expect(lacking.status).toBe(403);
    expect(await lacking.json()).toMatchObject({ code: "insufficient_scope" });

    const { admin, account, key } = await createServiceAccount(["config:resolve"]);
    expect((await resolved(key.token, crypto.randomUUID())).status).toBe(404);
    const bad = await call(`/users/${user.id}/config/resolved?section=video`, { token: key.token });
    expect(bad.status).toBe(422);
    await call(`/users/admin/users/${user.id}/status`, {
      method: "PUT",
      json: { status: "DISABLED" },
      token: admin,
    });
    const disabled = await resolved(key.token, user.id);
    expect(disabled.status).toBe(403);
    expect(await disabled.json()).toMatchObject({ code: "account_disabled" });

    const revoke = await call(`/users/admin/service-accounts/${account.id}/keys/${key.id}`, {
      token: admin,
      method: "DELETE",
    });
    expect(revoke.status).toBe(200);
    expect((await resolved(key.token, user.id)).status).toBe(401);
  });

  it("is rate-limited per service account with the RESOLVE_LIMITER binding", async () => {
    const user = await createSignedInUser();
    const { account, key } = await createServiceAccount(["config:resolve"]);
    const limit = vi.spyOn(env.RESOLVE_LIMITER, "limit").mockResolvedValue({ success: false });
    const res = await resolved(key.token, user.id);
    expect(res.status).toBe(429);
    expect(res.headers.get("retry-after")).toBe("60");
    expect(limit).toHaveBeenCalledWith({ key: `resolve:${account.id}` });
    expect(await lastAudit("service.config_resolved", user.id)).toBeNull();
  });
});

describe("service accounts limited to groups", () => {
  const limitedAccount = (groupIds: string[]) =>
    createServiceAccount(["config:resolve", "credentials:mint"], groupIds);

  it("act only for members of their groups; anyone else answers as an unknown user would", async () => {
    const member = await createSignedInUserInGroup({});
    const outsider = await createSignedInUserInGroup({});
    const { account, key } = await limitedAccount([member.groupId]);
    expect(account.group_ids).toEqual([member.groupId]);

    expect((await resolved(key.token, member.id)).status).toBe(200);
    const refused = await resolved(key.token, outsider.id);
    const unknown = await resolved(key.token, crypto.randomUUID());
    expect(refused.status).toBe(404);
    expect(await refused.json()).toEqual(await unknown.json());
    expect(await lastAudit("service.config_resolved", outsider.id)).toBeNull();

    const mint = await call(`/users/${outsider.id}/config/llm/client_token`, {
      method: "POST",
      json: {},
      token: key.token,
    });
    expect(mint.status).toBe(404);
  });

  it("are created only with existing group ids, never the default group (deleting a group fills it)", async () => {
    const { token: admin } = await loginAdmin();
    const { groupId } = await createSignedInUserInGroup({});
    const withDefault = await call("/users/admin/service-accounts", {
      method: "POST",
      json: { name: `team-${crypto.randomUUID().slice(0, 8)}`, group_ids: [groupId, "ungrouped"] },
      token: admin,
    });
    expect(withDefault.status).toBe(422);
    expect(await withDefault.json()).toMatchObject({
      detail: [{ loc: ["body", "group_ids", 1], msg: "The default group cannot limit a service account" }],
    });
    const res = await call("/users/admin/service-accounts", {
      method: "POST",
      json: { name: `team-${crypto.randomUUID().slice(0, 8)}`, group_ids: [groupId, "no-such-group"] },
      token: admin,
    });
    expect(res.status).toBe(422);
    expect(await res.json()).toMatchObject({
      detail: [{ loc: ["body", "group_ids", 1], msg: "No group has this id" }],
    });
    const list: { data: { group_ids: string[] | null }[] } = await (
      await call("/users/admin/service-accounts", { token: admin })
    ).json();
    expect(list.data.every((a) => a.group_ids === null || a.group_ids.length > 0)).toBe(true);
  });
});
