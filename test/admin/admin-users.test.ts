import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { authed, call, createSignedInUser, createUser, jsonInit, login, loginAdmin } from "../helpers";

let admin: string;
beforeAll(async () => {
  admin = await loginAdmin();
});

const auditActions = async (targetId: string) =>
  (
    await env.DB.prepare("SELECT action FROM audit_log WHERE target_id = ? ORDER BY id")
      .bind(targetId)
      .all<{ action: string }>()
  ).results.map((r) => r.action);

describe("admin authorization", () => {
  it("answers 401 without a session and 403 for a non-administrator", async () => {
    const user = await createSignedInUser();
    expect((await call("/users/admin/users")).status).toBe(401);
    const res = await call("/users/admin/users", authed(user.token));
    expect(res.status).toBe(403);
    expect(await res.json()).toMatchObject({ code: "forbidden" });
  });

  it("refuses a just-demoted administrator at once", async () => {
    const other = await createSignedInUser({ role: "admin" });
    expect((await call("/users/admin/users", authed(other.token))).status).toBe(200);
    const res = await call(`/users/admin/users/${other.id}/role`, jsonInit("PUT", { role: "user" }, admin));
    expect(res.status).toBe(200);
    expect((await call("/users/admin/users", authed(other.token))).status).toBe(403);
    expect(await auditActions(other.id)).toContain("admin.role_changed");
  });
});

describe("GET /users/admin/users", () => {
  it("paginates, searches case-insensitively across fields and filters", async () => {
    const tag = crypto.randomUUID().slice(0, 6);
    for (let i = 0; i < 3; i++) await createUser({ username: `findme-${tag}-${i}` });
    await env.DB.prepare("UPDATE users SET display_name = ? WHERE username = ?")
      .bind(`Display FINDME-${tag}`, `findme-${tag}-0`)
      .run();
    const res = await call(
      `/users/admin/users?search=FINDME-${tag}&per_page=2&sort_by=username&sort_order=asc`,
      authed(admin),
    );
    expect(res.status).toBe(200);
    const body = (await res.json()) as { data: { username: string }[]; pagination: Record<string, number> };
    expect(body.pagination).toEqual({ page: 1, per_page: 2, total_items: 3, total_pages: 2 });
    expect(body.data.map((u) => u.username)).toEqual([`findme-${tag}-0`, `findme-${tag}-1`]);
    expect(body.data[0]).not.toHaveProperty("password_hash");
    const admins = (await (await call("/users/admin/users?role=admin", authed(admin))).json()) as {
      data: { role: string }[];
    };
    expect(admins.data.every((u) => u.role === "admin")).toBe(true);
  });

  it("searches with the longest allowed term, multi-byte characters included, without a 500", async () => {
    for (const term of ["a".repeat(100), "é".repeat(100), "😀".repeat(50), "%_\\".repeat(33)]) {
      const res = await call(`/users/admin/users?search=${encodeURIComponent(term)}`, authed(admin));
      expect(res.status).toBe(200);
      expect(await res.json()).toMatchObject({ data: [] });
    }
  });

  it("treats % and _ in a search as literal characters", async () => {
    const res = await call("/users/admin/users?search=%25", authed(admin));
    const body = (await res.json()) as { pagination: { total_items: number } };
    expect(body.pagination.total_items).toBe(0);
  });

  it("hides soft-deleted users unless include_deleted=true", async () => {
    const user = await createUser();
    await call(`/users/admin/users/${user.id}`, { ...authed(admin), method: "DELETE" });
    const hidden = (await (
      await call(`/users/admin/users?search=${user.username}`, authed(admin))
    ).json()) as {
      data: unknown[];
    };
    const shown = (await (
      await call(`/users/admin/users?search=${user.username}&include_deleted=true`, authed(admin))
    ).json()) as { data: { deleted_at: string | null }[] };
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
    expect((await call(`/users/admin/users?${query}`, authed(admin))).status).toBe(422);
  });
});

describe("POST /users/admin/users", () => {
  it("creates a local user who can sign in, with an audit record", async () => {
    const username = `created-${crypto.randomUUID().slice(0, 6)}`;
    const res = await call(
      "/users/admin/users",
      jsonInit("POST", { username, email: "New@Example.org", password: "a long enough password" }, admin),
    );
    expect(res.status).toBe(201);
    const body = (await res.json()) as { id: string; email: string; group: { id: string } };
    expect(body).toMatchObject({ email: "new@example.org", group: { id: "ungrouped" }, role: "user" });
    expect((await login(username, "a long enough password")).res.status).toBe(200);
    expect(await auditActions(body.id)).toContain("admin.user_created");
  });

  it("refuses a taken username case-insensitively, also when the holder is deleted", async () => {
    const user = await createUser();
    const again = await call(
      "/users/admin/users",
      jsonInit("POST", { username: user.username.toUpperCase(), password: "a long enough password" }, admin),
    );
    expect(again.status).toBe(409);
    await call(`/users/admin/users/${user.id}`, { ...authed(admin), method: "DELETE" });
    const afterDelete = await call(
      "/users/admin/users",
      jsonInit("POST", { username: user.username, password: "a long enough password" }, admin),
    );
    expect(afterDelete.status).toBe(409);
  });

  it("refuses a weak password with 422 and an unknown group with 404", async () => {
    const weak = await call(
      "/users/admin/users",
      jsonInit("POST", { username: "weakling", password: "short" }, admin),
    );
    expect(weak.status).toBe(422);
    const noGroup = await call(
      "/users/admin/users",
      jsonInit(
        "POST",
        { username: "lost-soul", password: "a long enough password", group_id: "nope" },
        admin,
      ),
    );
    expect(noGroup.status).toBe(404);
  });
});

describe("user lifecycle", () => {
  it("GET and PATCH a user; 404 for an unknown id", async () => {
    const user = await createUser();
    const patched = await call(
      `/users/admin/users/${user.id}`,
      jsonInit("PATCH", { display_name: "Patched" }, admin),
    );
    expect(patched.status).toBe(200);
    expect(await patched.json()).toMatchObject({ display_name: "Patched" });
    expect((await call("/users/admin/users/no-such-id", authed(admin))).status).toBe(404);
    const role = await call("/users/admin/users/no-such-id/role", jsonInit("PUT", { role: "user" }, admin));
    expect(role.status).toBe(404);
  });

  it("disabling ends the user's sessions from the next request; re-enabling lets them sign in", async () => {
    const user = await createSignedInUser();
    const res = await call(
      `/users/admin/users/${user.id}/status`,
      jsonInit("PUT", { status: "DISABLED", reason: "left the company" }, admin),
    );
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ status: "DISABLED", status_reason: "left the company" });
    expect((await call("/users/me", authed(user.token))).status).toBe(401);
    expect((await login(user.username, user.password)).res.status).toBe(403);
    await call(`/users/admin/users/${user.id}/status`, jsonInit("PUT", { status: "ACTIVE" }, admin));
    expect((await login(user.username, user.password)).res.status).toBe(200);
  });

  it("unlock clears failed attempts and the temporary lock", async () => {
    const user = await createUser();
    for (let i = 0; i < 5; i++) await login(user.username, "wrong password!!");
    expect((await login(user.username, user.password)).res.status).toBe(429);
    const res = await call(`/users/admin/users/${user.id}/unlock`, { ...authed(admin), method: "POST" });
    expect(await res.json()).toMatchObject({ failed_attempts: 0, locked_until: null });
    expect((await login(user.username, user.password)).res.status).toBe(200);
  });

  it("reset-password applies the policy, ends sessions and sets the new password", async () => {
    const user = await createSignedInUser();
    const weak = await call(
      `/users/admin/users/${user.id}/reset-password`,
      jsonInit("POST", { new_password: "short" }, admin),
    );
    expect(weak.status).toBe(422);
    const res = await call(
      `/users/admin/users/${user.id}/reset-password`,
      jsonInit("POST", { new_password: "reset by the admin 1" }, admin),
    );
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ must_change_password: true });
    expect((await call("/users/me", authed(user.token))).status).toBe(401);
    expect((await login(user.username, "reset by the admin 1")).res.status).toBe(200);
    expect(await auditActions(user.id)).toContain("admin.password_reset");
  });

  it("soft delete: cannot sign in, sessions end", async () => {
    const user = await createSignedInUser();
    expect((await call(`/users/admin/users/${user.id}`, { ...authed(admin), method: "DELETE" })).status).toBe(
      200,
    );
    expect((await call("/users/me", authed(user.token))).status).toBe(401);
    expect((await login(user.username, user.password)).res.status).toBe(401);
  });

  it("lists a user's sessions and ends them all", async () => {
    const user = await createSignedInUser();
    await login(user.username, user.password);
    const list = (await (await call(`/users/admin/users/${user.id}/sessions`, authed(admin))).json()) as {
      data: { id: string; method: string }[];
    };
    expect(list.data).toHaveLength(2);
    expect(list.data[0]?.method).toBe("local");
    const ended = await call(`/users/admin/users/${user.id}/sessions`, {
      ...authed(admin),
      method: "DELETE",
    });
    expect(await ended.json()).toEqual({ ended: 2 });
    expect((await call("/users/me", authed(user.token))).status).toBe(401);
    const after = (await (await call(`/users/admin/users/${user.id}/sessions`, authed(admin))).json()) as {
      data: unknown[];
    };
    expect(after.data).toHaveLength(0);
  });

  it("moves a user to a group; 404 for an unknown group", async () => {
    const user = await createUser();
    const group = (await (
      await call(
        "/users/admin/groups",
        jsonInit("POST", { name: `team-${crypto.randomUUID().slice(0, 6)}` }, admin),
      )
    ).json()) as { id: string; name: string };
    const res = await call(
      `/users/admin/users/${user.id}/group`,
      jsonInit("PUT", { group_id: group.id }, admin),
    );
    expect(await res.json()).toMatchObject({ group: { id: group.id, name: group.name } });
    const missing = await call(
      `/users/admin/users/${user.id}/group`,
      jsonInit("PUT", { group_id: "nope" }, admin),
    );
    expect(missing.status).toBe(404);
  });
});

describe("require_password_change", () => {
  it("confines the user to /me, password change and logout until the password is changed", async () => {
    const username = `fresh-${crypto.randomUUID().slice(0, 6)}`;
    await call(
      "/users/admin/users",
      jsonInit("POST", { username, password: "initial password 1", require_password_change: true }, admin),
    );
    const { body } = await login(username, "initial password 1");
    const token = body.token;
    expect(await (await call("/users/me", authed(token))).json()).toMatchObject({
      must_change_password: true,
    });
    const blocked = await call("/users/me/profile", authed(token));
    expect(blocked.status).toBe(403);
    expect(await blocked.json()).toMatchObject({ code: "password_change_required" });
    const changed = await call(
      "/users/password",
      jsonInit("PUT", { current_password: "initial password 1", new_password: "my own password 22" }, token),
    );
    expect(changed.status).toBe(200);
    expect((await call("/users/me/profile", authed(token))).status).toBe(200);
  });
});
