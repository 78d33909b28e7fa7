import { describe, expect, it } from "vitest";
import { AppError } from "../../src/core/errors";
import { applyGuardedUserChange } from "../../src/storage/user-changes";
import { type Api, createSignedInUser, loginAdmin } from "../helpers";
import { activeAdminCount, auditCount, db, setRoles } from "../seed";

const demote = (by: { api: Api }, uid: string) =>
  by.api.users.admin.users[":uid"].role.$put({ param: { uid }, json: { role: "user" } });

describe("the last active administrator", () => {
  it("cannot demote, disable, lock or delete themselves when alone", async () => {
    const admin = await loginAdmin();
    const self = admin.api.users.admin.users[":uid"];
    const param = { uid: admin.id };
    const attempts = [
      demote(admin, admin.id),
      self.status.$put({ param, json: { status: "DISABLED" } }),
      self.status.$put({ param, json: { status: "LOCKED" } }),
      self.$delete({ param }),
    ];
    for (const res of await Promise.all(attempts)) {
      expect(res.status).toBe(409);
      expect(await res.json()).toMatchObject({ code: "last_admin" });
    }
    expect(await activeAdminCount()).toBe(1);
    expect(await auditCount({ actionPrefix: "admin.", targetId: admin.id })).toBe(0);
  });

  it("survives two administrators demoting each other at the same moment", async () => {
    const a = await createSignedInUser({ role: "admin" });
    const b = await createSignedInUser({ role: "admin" });
    // Take the bootstrap admin out of the picture so a and b are the only active admins.
    const bootstrap = await loginAdmin();
    await setRoles("user", { only: [bootstrap.id] });
    expect(await activeAdminCount()).toBe(2);

    const [ab, ba] = await Promise.all([demote(a, b.id), demote(b, a.id)]);
    // One wins. The other loses either at the guard (409) or, if the winner's demotion landed
    // first, already at authentication (403): either way an administrator remains.
    const statuses = [ab.status, ba.status].sort((x, y) => x - y);
    expect(statuses[0]).toBe(200);
    expect([403, 409]).toContain(statuses[1]);
    expect(await activeAdminCount()).toBe(1);
    expect(await auditCount({ action: "admin.role_changed" })).toBe(1);
  });
});

describe("the guarded update itself", () => {
  it("lets exactly one of many simultaneous demotions of the last two administrators apply", async () => {
    const a = await createSignedInUser({ role: "admin" });
    const b = await createSignedInUser({ role: "admin" });
    await setRoles("user", { except: [a.id, b.id] });
    const demoteDirectly = (target: string, actor: string) =>
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
      await setRoles("admin", { only: [a.id, b.id] });
      const outcomes = await Promise.all([demoteDirectly(a.id, b.id), demoteDirectly(b.id, a.id)]);
      expect(outcomes.sort()).toEqual(["applied", "last_admin"]);
      expect(await activeAdminCount()).toBe(1);
    }
  });
});
