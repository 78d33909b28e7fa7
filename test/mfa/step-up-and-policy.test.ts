import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { readConfig } from "../../src/core/settings";
import { mustHaveSecondFactor } from "../../src/domain/mfa/mfa-requirement";
import { findUserWithGroupById } from "../../src/storage/users";
import {
  bodyAt,
  call,
  client,
  createSignedInUser,
  createSignedInUserInGroup,
  login,
  loginAdmin,
  sessionFrom,
} from "../helpers";
import { db, lastAudit, readSessionRecord, readUser } from "../seed";
import {
  ageAuthentication,
  confirmTotp,
  createUserWithTotp,
  currentStep,
  post,
  startLogin,
  startTotp,
  totpCodeAt,
} from "./mfa-helpers";

const changePassword = (token: string, current: string) =>
  call("/users/password", {
    method: "PUT",
    json: { current_password: current, new_password: "a brand new passphrase" },
    token: token,
  });

describe("step-up", () => {
  it("refuses sensitive actions on an old authentication with reauthentication_required", async () => {
    const user = await createSignedInUser();
    await ageAuthentication(user.token, 301);
    const res = await changePassword(user.token, user.password);
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ code: "reauthentication_required" });
    expect((await post("/users/me/mfa/totp", {}, user.token)).status).toBe(401);
    // Not sensitive: still fine.
    expect((await call("/users/me/profile", { token: user.token })).status).toBe(200);
  });

  it("re-authenticates with the password, refreshing authTime and amr on the same session", async () => {
    const user = await createSignedInUser();
    await ageAuthentication(user.token, 1000);
    const wrong = await post("/users/me/reauthenticate", { password: "wrong password!!" }, user.token);
    expect(wrong.status).toBe(403);
    expect(await wrong.json()).toMatchObject({ code: "wrong_password" });
    expect((await post("/users/me/reauthenticate", {}, user.token)).status).toBe(422);
    const ok = await post("/users/me/reauthenticate", { password: user.password }, user.token);
    expect(ok.status).toBe(200);
    expect(await ok.json()).toMatchObject({ amr: ["pwd"] });
    const record = await readSessionRecord(user.token);
    expect(Date.now() - Date.parse(record?.authTime ?? "")).toBeLessThan(10_000);
    expect((await changePassword(user.token, user.password)).status).toBe(200);
  });

  it("asks a user with a second factor for it too, and counts wrong codes toward the lockout", async () => {
    const user = await createUserWithTotp();
    await ageAuthentication(user.token, 1000);
    expect((await post("/users/me/reauthenticate", { password: user.password }, user.token)).status).toBe(
      422,
    );
    const wrong = await post(
      "/users/me/reauthenticate",
      { password: user.password, code: "000000" },
      user.token,
    );
    expect(wrong.status).toBe(401);
    expect(await wrong.json()).toMatchObject({ code: "invalid_mfa_code" });
    expect((await readUser(user.id))?.failedAttempts).toBe(1);
    const ok = await post(
      "/users/me/reauthenticate",
      { password: user.password, code: await totpCodeAt(user.secret, currentStep()) },
      user.token,
    );
    expect(ok.status).toBe(200);
    expect(await ok.json()).toMatchObject({ amr: ["pwd", "otp", "mfa"] });
  });

  it("guards role changes and other administrator actions", async () => {
    const { token: admin } = await loginAdmin();
    const target = await createSignedInUser();
    await ageAuthentication(admin, 301);
    const role = await call(`/users/admin/users/${target.id}/role`, {
      method: "PUT",
      json: { role: "user" },
      token: admin,
    });
    expect(role.status).toBe(401);
    expect(await role.json()).toMatchObject({ code: "reauthentication_required" });
    const reset = await post(`/users/admin/users/${target.id}/mfa/disable`, {}, admin);
    expect(reset.status).toBe(401);
    expect((await post("/users/admin/encryption/reencrypt", {}, admin)).status).toBe(401);
  });
});

describe("requiring a second factor", () => {
  it("lets a member of a require_mfa group only enrol, see who they are and sign out", async () => {
    const user = await createSignedInUserInGroup({ require_mfa: true });
    const blocked = await call("/users/me/profile", { token: user.token });
    expect(blocked.status).toBe(403);
    expect(await blocked.json()).toMatchObject({ code: "mfa_enrollment_required" });
    expect((await call("/users/me", { token: user.token })).status).toBe(200);
    const status = await (await call("/users/me/mfa", { token: user.token })).json();
    expect(status).toMatchObject({ mfa_enabled: false, mfa_required: true });
    const { secret } = await startTotp(user.token);
    const confirmed = await confirmTotp(user.token, await totpCodeAt(secret, currentStep()));
    expect(confirmed.status).toBe(200);
    expect((await call("/users/me/profile", { token: user.token })).status).toBe(200);
  });

  it("accepts require_mfa in a group policy written by an administrator", async () => {
    const { token: admin } = await loginAdmin();
    const res = await call("/users/admin/groups", {
      method: "POST",
      json: { name: `mfa-${crypto.randomUUID()}`, policy: { require_mfa: true } },
      token: admin,
    });
    expect(res.status).toBe(201);
    expect(await res.json()).toMatchObject({ policy: { require_mfa: true } });
  });

  it("requires administrators to enrol when MFA_REQUIRED_FOR_ADMINS is true", async () => {
    const user = await createSignedInUser({ role: "admin" });
    const row = await findUserWithGroupById(db, user.id);
    if (!row) throw new Error("no user");
    expect(mustHaveSecondFactor(row, readConfig({ ...env, MFA_REQUIRED_FOR_ADMINS: "true" }))).toBe(true);
    expect(mustHaveSecondFactor(row, readConfig({ ...env, MFA_REQUIRED_FOR_ADMINS: "false" }))).toBe(false);
    expect(() => readConfig({ ...env, MFA_REQUIRED_FOR_ADMINS: "yes" })).toThrow(/MFA_REQUIRED_FOR_ADMINS/);
    expect(
      mustHaveSecondFactor({ ...row, role: "user" }, readConfig({ ...env, MFA_REQUIRED_FOR_ADMINS: "true" })),
    ).toBe(false);
  });
});

describe("administrators and second factors", () => {
  it("lists and filters users by mfa_enabled", async () => {
    const { token: admin } = await loginAdmin();
    const withMfa = await createUserWithTotp();
    const without = await createSignedInUser();
    const list = async (mfa_enabled: string, search: string) =>
      (
        await bodyAt(
          await client({ token: admin }).users.admin.users.$get({
            query: { per_page: "100", mfa_enabled, search },
          }),
          200,
        )
      ).data;
    const enabled = await list("true", withMfa.username);
    expect(enabled.map((u) => [u.id, u.mfa_enabled])).toEqual([[withMfa.id, true]]);
    expect(await list("false", withMfa.username)).toEqual([]);
    expect((await list("0", without.username)).map((u) => u.id)).toEqual([without.id]);
    expect((await call("/users/admin/users?mfa_enabled=maybe", { token: admin })).status).toBe(422);
  });

  it("resets a user's factors, ending their sessions, audited", async () => {
    const { token: admin } = await loginAdmin();
    const user = await createUserWithTotp();
    const res = await post(`/users/admin/users/${user.id}/mfa/disable`, {}, admin);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ id: user.id, mfa_enabled: false });
    expect((await call("/users/me", { token: user.token })).status).toBe(401);
    const body = await sessionFrom(await login(user.username, user.password));
    expect(body.token).toBeTruthy();
    expect((await lastAudit("mfa.reset_by_admin", user.id))?.actorId).toBeTruthy();
    expect((await post("/users/admin/users/no-such-user/mfa/disable", {}, admin)).status).toBe(404);
    const plain = await createSignedInUser();
    expect((await post(`/users/admin/users/${user.id}/mfa/disable`, {}, plain.token)).status).toBe(403);
  });

  it("is never reached anonymously: the MFA challenge is not a session", async () => {
    const user = await createUserWithTotp();
    const { body } = await startLogin(user);
    expect((await call("/users/me/mfa", { token: body.challenge })).status).toBe(401);
  });
});
