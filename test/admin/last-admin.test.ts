import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { AppError } from "../../src/core/errors";
import { createDb } from "../../src/db/client";
import { applyGuardedUserChange } from "../../src/storage/user-changes";
import { call, createSignedInUser, jsonInit, loginAdmin } from "../helpers";

const activeAdmins = async () =>
  (
    await env.DB.prepare(
      "SELECT count(*) AS n FROM users WHERE role = 'admin' AND status = 'ACTIVE' AND deleted_at IS NULL",
    ).first<{ n: number }>()
  )?.n;

const me = async (token: string) =>
  (
    (await (await call("/users/me", { headers: { authorization: `Bearer ${token}` } })).json()) as {
      id: string;
    }
  ).id;

describe("the last active administrator", () => {
  it("cannot demote, disable, lock or delete themselves when alone", async () => {
    const admin = await loginAdmin();
    const id = await me(admin);
    const attempts = [
      call(`/users/admin/users/${id}/role`, jsonInit("PUT", { role: "user" }, admin)),
      call(`/users/admin/users/${id}/status`, jsonInit("PUT", { status: "DISABLED" }, admin)),
      call(`/users/admin/users/${id}/status`, jsonInit("PUT", { status: "LOCKED" }, admin)),
      call(`/users/admin/users/${id}`, { method: "DELETE", headers: { authorization: `Bearer ${admin}` } }),
    ];
    for (const res of await Promise.all(attempts)) {
      expect(res.status).toBe(409);
      expect(await res.json()).toMatchObject({ code: "last_admin" });
    }
    expect(await activeAdmins()).toBe(1);
    const audit = await env.DB.prepare(
      "SELECT count(*) AS n FROM audit_log WHERE target_id = ? AND action LIKE 'admin.%'",
    )
      .bind(id)
      .first<{ n: number }>();
    expect(audit?.n).toBe(0);
  });

  it("survives two administrators demoting each other at the same moment", async () => {
    const a = await createSignedInUser({ role: "admin" });
    const b = await createSignedInUser({ role: "admin" });
    // Take the bootstrap admin out of the picture so a and b are the only active admins.
    const bootstrap = await loginAdmin();
    const bootstrapId = await me(bootstrap);
    await env.DB.prepare("UPDATE users SET role = 'user' WHERE id = ?").bind(bootstrapId).run();
    expect(await activeAdmins()).toBe(2);

    const [ab, ba] = await Promise.all([
      call(`/users/admin/users/${b.id}/role`, jsonInit("PUT", { role: "user" }, a.token)),
      call(`/users/admin/users/${a.id}/role`, jsonInit("PUT", { role: "user" }, b.token)),
    ]);
    // One wins. The other loses either at the guard (409) or, if the winner's demotion landed
    // first, already at authentication (403): either way an administrator remains.
    const statuses = [ab.status, ba.status].sort((x, y) => x - y);
    expect(statuses[0]).toBe(200);
    expect([403, 409]).toContain(statuses[1]);
    expect(await activeAdmins()).toBe(1);
    const changes = await env.DB.prepare(
      "SELECT count(*) AS n FROM audit_log WHERE action = 'admin.role_changed'",
    ).first<{
      n: number;
    }>();
    expect(changes?.n).toBe(1);
  });
});

describe("the guarded update itself", () => {
  it("lets exactly one of many simultaneous demotions of the last two administrators apply", async () => {
    const a = await createSignedInUser({ role: "admin" });
    const b = await createSignedInUser({ role: "admin" });
    await env.DB.prepare("UPDATE users SET role = 'user' WHERE id NOT IN (?, ?)").bind(a.id, b.id).run();
    const db = createDb(env.DB);
    const demote = (target: string, actor: string) =>
      applyGuardedUserChange(db, {
        userId: target,
        set: { role: "user" },
        removesAdmin: true,
        endSessions: false,
        audit: { action: "admin.role_changed", actorId: actor, targetId: target, requestId: null, ip: null },
      }).then(
        () => "applied",
        (error: unknown) => (error instanceof AppError ? error.code : "other"),
      );
    for (let round = 0; round < 5; round++) {
      await env.DB.prepare("UPDATE users SET role = 'admin' WHERE id IN (?, ?)").bind(a.id, b.id).run();
      const outcomes = await Promise.all([demote(a.id, b.id), demote(b.id, a.id)]);
      expect(outcomes.sort()).toEqual(["applied", "last_admin"]);
      expect(await activeAdmins()).toBe(1);
    }
  });
});
