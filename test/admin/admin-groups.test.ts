import { beforeAll, describe, expect, it } from "vitest";
import { api, bodyAt, call, createUser, loginAdmin } from "../helpers";
import { readGroup, readUsers } from "../seed";

let admin: Awaited<ReturnType<typeof loginAdmin>>;
beforeAll(async () => {
  admin = await loginAdmin();
});

const groups = () => admin.api.users.admin.groups;
/** One group's routes; which group is the `param: { gid }` of each call. */
const oneGroup = () => admin.api.users.admin.groups[":gid"];
const uniqueName = () => `group-${crypto.randomUUID().slice(0, 8)}`;
const newGroup = async () => bodyAt(await groups().$post({ json: { name: uniqueName() } }), 201);
const moveUser = (uid: string, group_id: string) =>
  admin.api.users.admin.users[":uid"].group.$put({ param: { uid }, json: { group_id } });

describe("groups", () => {
  it("creates a group with a validated policy and lists it with member counts", async () => {
    const policy = {
      llm: { allowed_providers: ["openai", "anthropic"], defaults: { provider: "openai", model: "gpt-5" } },
    };
    const res = await groups().$post({ json: { name: uniqueName(), description: "Research", policy } });
    const group = await bodyAt(res, 201);
    const user = await createUser();
    await moveUser(user.id, group.id);
    const list = await bodyAt(await groups().$get(), 200);
    expect(list.data.find((g) => g.id === group.id)).toMatchObject({ member_count: 1, policy });
    expect(list.data.some((g) => g.id === "ungrouped")).toBe(true);
  });

  // Raw: the typed client would not let an invalid policy through.
  const createRaw = (json: Record<string, unknown>) =>
    call("/users/admin/groups", { method: "POST", json, token: admin.token });

  it("refuses a policy naming an unknown provider, with a message naming it", async () => {
    const res = await createRaw({ name: uniqueName(), policy: { llm: { allowed_providers: ["skynet"] } } });
    expect(res.status).toBe(422);
    expect(JSON.stringify(await res.json())).toContain("Unknown llm provider 'skynet'");
  });

  it("refuses unknown policy fields and duplicate names (case-insensitive)", async () => {
    expect((await createRaw({ name: uniqueName(), policy: { llm: { everything: true } } })).status).toBe(422);
    const name = uniqueName();
    expect((await groups().$post({ json: { name } })).status).toBe(201);
    const dup = await groups().$post({ json: { name: name.toUpperCase() } });
    expect(dup.status).toBe(409);
    expect(await dup.json()).toMatchObject({ code: "group_name_taken" });
  });

  it("updates name, description and policy; 404 for an unknown group", async () => {
    const group = await newGroup();
    const name = uniqueName();
    const res = await oneGroup().$put({
      param: { gid: group.id },
      json: { name, description: "new", policy: { tts: { allowed_providers: ["openai"] } } },
    });
    expect(await bodyAt(res, 200)).toMatchObject({
      name,
      description: "new",
      policy: { tts: { allowed_providers: ["openai"] } },
    });
    expect((await oneGroup().$put({ param: { gid: "nope" }, json: { description: "x" } })).status).toBe(404);
  });

  it("deleting a group moves its members to ungrouped in the same batch", async () => {
    const group = await newGroup();
    const users = [await createUser(), await createUser()];
    for (const u of users) await moveUser(u.id, group.id);
    const res = await oneGroup().$delete({ param: { gid: group.id } });
    expect(await res.json()).toEqual({ deleted: true, members_moved: 2 });
    const members = await readUsers(users.map((u) => u.id));
    expect(members.map((u) => u?.groupId)).toEqual(["ungrouped", "ungrouped"]);
    expect(await readGroup(group.id)).toBeNull();
  });

  it("ungrouped cannot be deleted or renamed", async () => {
    const param = { gid: "ungrouped" };
    expect((await oneGroup().$delete({ param })).status).toBe(409);
    expect((await oneGroup().$put({ param, json: { name: "others" } })).status).toBe(409);
    expect((await oneGroup().$put({ param, json: { description: "Everyone else" } })).status).toBe(200);
  });
});

describe("GET /users/admin/audit", () => {
  const audit = (query: Record<string, string>) => admin.api.users.admin.audit.$get({ query });

  it("records every group change and filters by action, target and time", async () => {
    const before = new Date(Date.now() - 1000).toISOString();
    const group = await newGroup();
    await oneGroup().$put({ param: { gid: group.id }, json: { description: "changed" } });
    await oneGroup().$delete({ param: { gid: group.id } });
    const body = await bodyAt(await audit({ target: group.id, from: before }), 200);
    expect(body.data.map((e) => e.action)).toEqual([
      "admin.group_deleted",
      "admin.group_updated",
      "admin.group_created",
    ]);
    expect(body.data.every((e) => e.request_id && e.actor_id)).toBe(true);
    const onlyCreated = await bodyAt(await audit({ action: "admin.group_created", target: group.id }), 200);
    expect(onlyCreated.pagination.total_items).toBe(1);
    const future = await bodyAt(await audit({ from: "2999-01-01T00:00:00Z" }), 200);
    expect(future.data).toHaveLength(0);
  });

  it("refuses a malformed time with 422 and requests without a session with 401", async () => {
    expect((await audit({ from: "yesterday" })).status).toBe(422);
    expect((await api.users.admin.audit.$get({ query: {} })).status).toBe(401);
  });
});
