import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { createBootstrapAdminIfMissing } from "../../src/domain/bootstrap-admin";
import { adminCount as countAdmins, db, findAdmins, setRoles, setUser } from "../seed";

describe("bootstrap administrator", () => {
  it("creates exactly one administrator when several isolates race", async () => {
    // No request has reached the Worker in this file yet, so no administrator exists.
    expect(await countAdmins()).toBe(0);
    await Promise.all(Array.from({ length: 5 }, () => createBootstrapAdminIfMissing(env, db)));
    expect(await countAdmins()).toBe(1);
    const [row] = await findAdmins();
    expect(row?.username).toBe("admin");
    expect(row?.groupId).toBe("ungrouped");
    expect(row?.passwordHash).toMatch(/^\$scrypt\$/);
    expect(row?.passwordHash).not.toContain(env.BOOTSTRAP_ADMIN_PASSWORD);
  });

  it("does nothing when an active administrator already exists", async () => {
    await createBootstrapAdminIfMissing(env, db);
    const [bootstrapAdmin] = await findAdmins();
    await setUser(bootstrapAdmin?.id ?? "", { username: "renamed-admin" });
    await createBootstrapAdminIfMissing(env, db);
    expect(await countAdmins()).toBe(1);
  });

  it("does nothing without the bootstrap secrets, or with a password below the policy", async () => {
    await setRoles("user", { except: [] });
    await createBootstrapAdminIfMissing({ ...env, BOOTSTRAP_ADMIN_PASSWORD: "" }, db);
    await createBootstrapAdminIfMissing(
      { ...env, BOOTSTRAP_ADMIN_USERNAME: "root", BOOTSTRAP_ADMIN_PASSWORD: "short" },
      db,
    );
    expect(await countAdmins()).toBe(0);
  });
});
