import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { authed, call, createUser, jsonInit, loginAdmin } from "../helpers";

let admin: string;
beforeAll(async () => {
  admin = await loginAdmin();
});

const createGroup = async (body: Record<string, unknown>) =>
  call("/users/admin/groups", jsonInit("POST", body, admin));
const uniqueName = () => `group-${crypto.randomUUID().slice(0, 8)}`;

describe("groups", () => {
  it("creates a group with a validated policy and lists it with member counts", async () => {
    const name = uniqueName();
    const policy = {
      llm: { allowed_providers: ["openai", "anthropic"], defaults: { provider: "openai", model: "gpt-5" } },
    };
    const res = await createGroup({ name, description: "Research", policy });
    expect(res.status).toBe(201);
    const group = (await res.json()) as { id: string };
    const user = await createUser();
    await call(`/users/admin/users/${user.id}/group`, jsonInit("PUT", { group_id: group.id }, admin));
    const list = (await (await call("/users/admin/groups", authed(admin))).json()) as {
      data: { id: string; member_count: number; policy: unknown }[];
    };
    const listed = list.data.find((g) => g.id === group.id);
    expect(listed).toMatchObject({ member_count: 1, policy });
    expect(list.data.some((g) => g.id === "ungrouped")).toBe(true);
  });

  it("refuses a policy naming an unknown provider, with a message naming it", async () => {
    const res = await createGroup({ name: uniqueName(), policy: { llm: { allowed_providers: ["skynet"] } } });
    expect(res.status).toBe(422);
    expect(JSON.stringify(await res.json())).toContain("Unknown llm provider 'skynet'");
  });

  it("refuses unknown policy fields and duplicate names (case-insensitive)", async () => {
    expect((await createGroup({ name: uniqueName(), policy: { llm: { everything: true } } })).status).toBe(
      422,
    );
    const name = uniqueName();
    expect((await createGroup({ name })).status).toBe(201);
    const dup = await createGroup({ name: name.toUpperCase() });
    expect(dup.status).toBe(409);
    expect(await dup.json()).toMatchObject({ code: "group_name_taken" });
  });

  it("updates name, description and policy; 404 for an unknown group", async () => {
    const group = (await (await createGroup({ name: uniqueName() })).json()) as { id: string };
    const name = uniqueName();
    const res = await call(
      `/users/admin/groups/${group.id}`,
      jsonInit(
        "PUT",
        { name, description: "new", policy: { tts: { allowed_providers: ["openai"] } } },
        admin,
      ),
    );
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({
      name,
      description: "new",
      policy: { tts: { allowed_providers: ["openai"] } },
    });
    expect(
      (await call("/users/admin/groups/nope", jsonInit("PUT", { description: "x" }, admin))).status,
    ).toBe(404);
  });

  it("deleting a group moves its members to ungrouped in the same batch", async () => {
    const group = (await (await createGroup({ name: uniqueName() })).json()) as { id: string };
    const users = [await createUser(), await createUser()];
    for (const u of users)
      await call(`/users/admin/users/${u.id}/group`, jsonInit("PUT", { group_id: group.id }, admin));
    const res = await call(`/users/admin/groups/${group.id}`, { ...authed(admin), method: "DELETE" });
    expect(await res.json()).toEqual({ deleted: true, members_moved: 2 });
    const { results } = await env.DB.prepare("SELECT group_id FROM users WHERE id IN (?, ?)")
      .bind(users[0]?.id, users[1]?.id)
      .all<{ group_id: string }>();
    expect(results.map((r) => r.group_id)).toEqual(["ungrouped", "ungrouped"]);
    expect(await env.DB.prepare("SELECT id FROM groups WHERE id = ?").bind(group.id).first()).toBeNull();
  });

  it("ungrouped cannot be deleted or renamed", async () => {
    const del = await call("/users/admin/groups/ungrouped", { ...authed(admin), method: "DELETE" });
    expect(del.status).toBe(409);
    const rename = await call("/users/admin/groups/ungrouped", jsonInit("PUT", { name: "others" }, admin));
    expect(rename.status).toBe(409);
    const describeIt = await call(
      "/users/admin/groups/ungrouped",
      jsonInit("PUT", { description: "Everyone else" }, admin),
    );
    expect(describeIt.status).toBe(200);
  });
});

describe("GET /users/admin/audit", () => {
  it("records every group change and filters by action, target and time", async () => {
    const before = new Date(Date.now() - 1000).toISOString();
    const group = (await (await createGroup({ name: uniqueName() })).json()) as { id: string };
    await call(`/users/admin/groups/${group.id}`, jsonInit("PUT", { description: "changed" }, admin));
    await call(`/users/admin/groups/${group.id}`, { ...authed(admin), method: "DELETE" });
    const res = await call(
      `/users/admin/audit?target=${group.id}&from=${encodeURIComponent(before)}`,
      authed(admin),
    );
    expect(res.status).toBe(200);
    const body = (await res.json()) as { data: { action: string; actor_id: string; request_id: string }[] };
    expect(body.data.map((e) => e.action)).toEqual([
      "admin.group_deleted",
      "admin.group_updated",
      "admin.group_created",
    ]);
    expect(body.data.every((e) => e.request_id && e.actor_id)).toBe(true);
    const onlyCreated = (await (
      await call(`/users/admin/audit?action=admin.group_created&target=${group.id}`, authed(admin))
    ).json()) as { data: unknown[]; pagination: { total_items: number } };
    expect(onlyCreated.pagination.total_items).toBe(1);
    const future = (await (
      await call(`/users/admin/audit?from=${encodeURIComponent("2999-01-01T00:00:00Z")}`, authed(admin))
    ).json()) as { data: unknown[] };
    expect(future.data).toHaveLength(0);
  });

  it("refuses a malformed time with 422 and non-administrators with 403", async () => {
    expect((await call("/users/admin/audit?from=yesterday", authed(admin))).status).toBe(422);
    expect((await call("/users/admin/audit")).status).toBe(401);
  });
});
