import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { createDb } from "../../src/db/client";
import { createBootstrapAdminIfMissing } from "../../src/domain/bootstrap-admin";

const countAdmins = async () =>
  (await env.DB.prepare("SELECT count(*) AS n FROM users WHERE role = 'admin'").first<{ n: number }>())?.n;

describe("bootstrap administrator", () => {
  it("creates exactly one administrator when several isolates race", async () => {
    // No request has reached the Worker in this file yet, so no administrator exists.
    expect(await countAdmins()).toBe(0);
    const db = createDb(env.DB);
    await Promise.all(Array.from({ length: 5 }, () => createBootstrapAdminIfMissing(env, db)));
    expect(await countAdmins()).toBe(1);
    const row = await env.DB.prepare(
      "SELECT username, password_hash, group_id FROM users WHERE role = 'admin'",
    ).first<{
      username: string;
      password_hash: string;
      group_id: string;
    }>();
    expect(row?.username).toBe("admin");
    expect(row?.group_id).toBe("ungrouped");
    expect(row?.password_hash).toMatch(/^\$scrypt\$/);
    expect(row?.password_hash).not.toContain(env.BOOTSTRAP_ADMIN_PASSWORD);
  });

  it("does nothing when an active administrator already exists", async () => {
    const db = createDb(env.DB);
    await createBootstrapAdminIfMissing(env, db);
    await env.DB.prepare("UPDATE users SET username = 'renamed-admin' WHERE role = 'admin'").run();
    await createBootstrapAdminIfMissing(env, db);
    expect(await countAdmins()).toBe(1);
  });

  it("does nothing without the bootstrap secrets, or with a password below the policy", async () => {
    await env.DB.prepare("UPDATE users SET role = 'user'").run();
    const db = createDb(env.DB);
    await createBootstrapAdminIfMissing({ ...env, BOOTSTRAP_ADMIN_PASSWORD: "" }, db);
    await createBootstrapAdminIfMissing(
      { ...env, BOOTSTRAP_ADMIN_USERNAME: "root", BOOTSTRAP_ADMIN_PASSWORD: "short" },
      db,
    );
    expect(await countAdmins()).toBe(0);
  });
});
