import { beforeAll, describe, expect, it } from "vitest";
import {
  api,
  bodyAt,
  call,
  client,
  createSignedInUser,
  createUser,
  login,
  loginAdmin,
  sessionFrom,
} from "../helpers";
import { auditActions, setUserByUsername } from "../seed";

let admin: Awaited<ReturnType<typeof loginAdmin>>;
beforeAll(async () => {
  admin = await loginAdmin();
});

const users = () => admin.api.users.admin.users;
/** One user's routes; which user is the `param: { uid }` of each call. */
const oneUser = () => admin.api.users.admin.users[":uid"];

describe("admin authorization", () => {
  it("answers 401 without a session and 403 for a non-administrator", async () => {
    const user = await createSignedInUser();
    expect((await api.users.admin.users.$get({ query: {} })).status).toBe(401);
    const res = await user.api.users.admin.users.$get({ query: {} });
    expect(res.status).toBe(403);
    expect(await res.json()).toMatchObject({ code: "forbidden" });
  });

  it("refuses a just-demoted administrator at once", async () => {
    const other = await createSignedInUser({ role: "admin" });
    expect((await other.api.users.admin.users.$get({ query: {} })).status).toBe(200);
    const res = await oneUser().role.$put({ param: { uid: other.id }, json: { role: "user" } });
    expect(res.status).toBe(200);
    expect((await other.api.users.admin.users.$get({ query: {} })).status).toBe(403);
    expect(await auditActions(other.id)).toContain("admin.role_changed");
  });
});

describe("GET /users/admin/users", () => {
  it("paginates, searches case-insensitively across fields and filters", async () => {
    const tag = crypto.randomUUID().slice(0, 6);
    for (let i = 0; i < 3; i++) await createUser({ username: `findme-${tag}-${i}` });
    await setUserByUsername(`findme-${tag}-0`, { displayName: `Display FINDME-${tag}` });
    const res = await users().$get({
      query: { search: `FINDME-${tag}`, per_page: "2", sort_by: "username", sort_order: "asc" },
    });
    const body = await bodyAt(res, 200);
    expect(body.pagination).toEqual({ page: 1, per_page: 2, total_items: 3, total_pages: 2 });
    expect(body.data.map((u) => u.username)).toEqual([`findme-${tag}-0`, `findme-${tag}-1`]);
    expect(body.data[0]).not.toHaveProperty("password_hash");
    const admins = await bodyAt(await users().$get({ query: { role: "admin" } }), 200);
    expect(admins.data.every((u) => u.role === "admin")).toBe(true);
  });

  it("searches with the longest allowed term, multi-byte characters included, without a 500", async () => {
    for (const term of ["a".repeat(100), "é".repeat(100), "😀".repeat(50), "%_\\".repeat(33)]) {
      const res = await call(`/users/admin/users?search=${encodeURIComponent(term)}`, { token: admin.token });
      expect(res.status).toBe(200);
      expect(await res.json()).toMatchObject({ data: [] });
    }
  });

  it("treats % and _ in a search as literal characters", async () => {
    const body = await bodyAt(await users().$get({ query: { search: "%" } }), 200);
    expect(body.pagination.total_items).toBe(0);
  });

  it("hides soft-deleted users unless include_deleted=true", async () => {
    const user = await createUser();
    await oneUser().$delete({ param: { uid: user.id } });
    const hidden = await bodyAt(await users().$get({ query: { search: user.username } }), 200);
    const shown = await bodyAt(
      await users().$get({ query: { search: user.username, include_deleted: "true" } }),
      200,
    );
    expect(hidden.data).toHaveLength(0);
    expect(shown.data[0]?.deleted_at).toBeTruthy();
  });

  it.each([
    "page=0",
    "per_page=101",
    "per_page=0",
    "role=root",
    "status=GONE",
    "sort_by=password",
    "sort_order=up",
  ])("refuses %s with 422", async (query) => {
    // Raw: the typed client would not build these queries.
    expect((await call(`/users/admin/users?${query}`, { token: admin.token })).status).toBe(422);
  });
});

describe("POST /users/admin/users", () => {
  const password = "a long enough password";

  it("creates a local user who can sign in, with an audit record", async () => {
    const username = `created-${crypto.randomUUID().slice(0, 6)}`;
    const res = await users().$post({ json: { username, email: "New@Example.org", password } });
    const body = await bodyAt(res, 201);
    expect(body).toMatchObject({ email: "new@example.org", group: { id: "ungrouped" }, role: "user" });
    expect((await login(username, password)).status).toBe(200);
    expect(await auditActions(body.id)).toContain("admin.user_created");
  });

  it("refuses a taken username case-insensitively, also when the holder is deleted", async () => {
    const user = await createUser();
    const again = await users().$post({ json: { username: user.username.toUpperCase(), password } });
    expect(again.status).toBe(409);
    await oneUser().$delete({ param: { uid: user.id } });
    const afterDelete = await users().$post({ json: { username: user.username, password } });
    expect(afterDelete.status).toBe(409);
  });

  it("refuses a weak password with 422 and an unknown group with 404", async () => {
    const weak = await users().$post({ json: { username: "weakling", password: "short" } });
    expect(weak.status).toBe(422);
    const noGroup = await users().$post({ json: { username: "lost-soul", password, group_id: "nope" } });
    expect(noGroup.status).toBe(404);
  });
});

describe("user lifecycle", () => {
  it("GET and PATCH a user; 404 for an unknown id", async () => {
    const user = await createUser();
    const patched = await oneUser().$patch({
      param: { uid: user.id },
      json: { display_name: "Patched" },
    });
    expect(await bodyAt(patched, 200)).toMatchObject({ display_name: "Patched" });
    expect((await oneUser().$get({ param: { uid: "no-such-id" } })).status).toBe(404);
    const role = await oneUser().role.$put({
      param: { uid: "no-such-id" },
      json: { role: "user" },
    });
    expect(role.status).toBe(404);
  });

  it("disabling ends the user's sessions from the next request; re-enabling lets them sign in", async () => {
    const user = await createSignedInUser();
    const setStatus = (json: { status: "ACTIVE" | "DISABLED"; reason?: string }) =>
      oneUser().status.$put({ param: { uid: user.id }, json });
    const res = await setStatus({ status: "DISABLED", reason: "left the company" });
    expect(await bodyAt(res, 200)).toMatchObject({ status: "DISABLED", status_reason: "left the company" });
    expect((await user.api.users.me.$get()).status).toBe(401);
    expect((await login(user.username, user.password)).status).toBe(403);
    await setStatus({ status: "ACTIVE" });
    expect((await login(user.username, user.password)).status).toBe(200);
  });

  it("unlock clears failed attempts and the temporary lock", async () => {
    const user = await createUser();
    for (let i = 0; i < 5; i++) await login(user.username, "wrong password!!");
    expect((await login(user.username, user.password)).status).toBe(429);
    const res = await oneUser().unlock.$post({ param: { uid: user.id } });
    expect(await res.json()).toMatchObject({ failed_attempts: 0, locked_until: null });
    expect((await login(user.username, user.password)).status).toBe(200);
  });

  it("reset-password applies the policy, ends sessions and sets the new password", async () => {
    const user = await createSignedInUser();
    const reset = (new_password: string) =>
      oneUser()["reset-password"].$post({ param: { uid: user.id }, json: { new_password } });
    expect((await reset("short")).status).toBe(422);
    const res = await reset("reset by the admin 1");
    expect(await bodyAt(res, 200)).toMatchObject({ must_change_password: true });
    expect((await user.api.users.me.$get()).status).toBe(401);
    expect((await login(user.username, "reset by the admin 1")).status).toBe(200);
    expect(await auditActions(user.id)).toContain("admin.password_reset");
  });

  it("soft delete: cannot sign in, sessions end", async () => {
    const user = await createSignedInUser();
    expect((await oneUser().$delete({ param: { uid: user.id } })).status).toBe(200);
    expect((await user.api.users.me.$get()).status).toBe(401);
    expect((await login(user.username, user.password)).status).toBe(401);
  });

  it("lists a user's sessions and ends them all", async () => {
    const user = await createSignedInUser();
    await login(user.username, user.password);
    const sessions = oneUser().sessions;
    const list = await bodyAt(await sessions.$get({ param: { uid: user.id } }), 200);
    expect(list.data).toHaveLength(2);
    expect(list.data[0]?.method).toBe("local");
    const ended = await sessions.$delete({ param: { uid: user.id }, query: {} });
    expect(await ended.json()).toEqual({ ended: 2 });
    expect((await user.api.users.me.$get()).status).toBe(401);
    const after = await bodyAt(await sessions.$get({ param: { uid: user.id } }), 200);
    expect(after.data).toHaveLength(0);
  });

  it("moves a user to a group; 404 for an unknown group", async () => {
    const user = await createUser();
    const created = await admin.api.users.admin.groups.$post({
      json: { name: `team-${crypto.randomUUID().slice(0, 6)}` },
    });
    const group = await bodyAt(created, 201);
    const moveTo = (group_id: string) =>
      oneUser().group.$put({ param: { uid: user.id }, json: { group_id } });
    expect(await (await moveTo(group.id)).json()).toMatchObject({
      group: { id: group.id, name: group.name },
    });
    expect((await moveTo("nope")).status).toBe(404);
  });
});

describe("require_password_change", () => {
  it("confines the user to /me, password change and logout until the password is changed", async () => {
    const username = `fresh-${crypto.randomUUID().slice(0, 6)}`;
    await users().$post({
      json: { username, password: "initial password 1", require_password_change: true },
    });
    const { token } = await sessionFrom(await login(username, "initial password 1"));
    const fresh = client({ token });
    expect(await (await fresh.users.me.$get()).json()).toMatchObject({ must_change_password: true });
    const blocked = await fresh.users.me.profile.$get();
    expect(blocked.status).toBe(403);
    expect(await blocked.json()).toMatchObject({ code: "password_change_required" });
    const changed = await fresh.users.password.$put({
      json: { current_password: "initial password 1", new_password: "my own password 22" },
    });
    expect(changed.status).toBe(200);
    expect((await fresh.users.me.profile.$get()).status).toBe(200);
  });
});
