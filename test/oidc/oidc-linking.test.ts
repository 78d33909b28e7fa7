import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import {
  bodyAt,
  type Caller,
  call,
  client,
  createSignedInUser,
  login,
  loginAdmin,
  sessionFrom,
} from "../helpers";
import {
  auditEntries,
  bumpSessionEpoch,
  readSessionRecord,
  rewriteKvRecord,
  secondsAgo,
  sessionKeysOf,
  setUser,
  userOfSubject,
} from "../seed";
import { ISSUER, startFakeIdp, type Tamper } from "./fake-idp";
import { cookieOf, finishFlow, landing, startFlow } from "./flow";

/**
 * Issue #10, finding 1: a session token alone must not attach a provider identity that then
 * outlives every revocation. Linking needs a fresh proof and no pending password change; links
 * are listed and removable by the user and administrators, and recovery can remove them.
 */
let idp: Awaited<ReturnType<typeof startFakeIdp>>;
beforeEach(async () => {
  idp = await startFakeIdp();
});
afterEach(() => {
  vi.restoreAllMocks();
});

/** Makes every session of the user look signed in `seconds` ago. */
async function ageSessions(userId: string, seconds: number) {
  const at = secondsAgo(seconds);
  for (const key of await sessionKeysOf(userId)) await rewriteKvRecord(key, { createdAt: at, authTime: at });
}

const startLink = (token: string) =>
  startFlow(idp, { query: { link: "true" }, headers: { authorization: `Bearer ${token}` } });

/** Links `subject` to the user through the whole flow; answers where the browser landed. */
async function link(token: string, subject: string, tamper: Tamper = {}) {
  const { state, binding } = await startLink(token);
  idp.tamper = { sub: subject, ...tamper };
  return landing(await finishFlow(state, binding));
}

const ownerOf = async (subject: string) => (await userOfSubject(ISSUER, subject))?.id ?? null;

const auditDetails = async (action: string, targetId: string) =>
  (await auditEntries(targetId, action)).map((entry) => entry.details);

/** An OIDC-only user (no password) signed in through the flow with a cookie session. */
async function oidcOnlyUser(subject: string) {
  idp.tamper = { sub: subject };
  const { state, binding } = await startFlow(idp);
  const cookie = cookieOf(await finishFlow(state, binding), "session");
  const me = await bodyAt(await client({ headers: { cookie } }).users.me.$get(), 200);
  // A same-origin browser: cookie-authenticated writes carry its Origin (the CSRF check).
  return { id: me.id, headers: { cookie, origin: "http://localhost:8787" } };
}

const listIdentities = async (caller: Caller) =>
  (await bodyAt(await client(caller).users.me.identities.$get(), 200)).data;

const listIdentitiesOf = async (caller: Caller, uid: string) =>
  (await bodyAt(await client(caller).users.admin.users[":uid"].identities.$get({ param: { uid } }), 200))
    .data;

describe("starting a link needs a fresh proof of the account holder", () => {
  it("refuses a session whose last sign-in is older than five minutes with 401 reauthentication_required", async () => {
    const user = await createSignedInUser();
    await ageSessions(user.id, 600);
    const { res } = await startLink(user.token);
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ code: "reauthentication_required" });
  });

  it("accepts a session whose password was just proved again by a password change", async () => {
    const user = await createSignedInUser();
    // Old enough to need a fresh proof for linking soon, young enough for the password change's step-up.
    await ageSessions(user.id, 200);
    const changed = await call("/users/password", {
      method: "PUT",
      json: { current_password: user.password, new_password: "a brand new passphrase" },
      token: user.token,
    });
    expect(changed.status).toBe(200);
    const record = await readSessionRecord(user.token);
    expect(Date.now() - Date.parse(record?.authTime ?? "")).toBeLessThan(10_000);
    expect((await startLink(user.token)).res.status).toBe(302);
  });

  it("refuses while a password change is pending, with 403 password_change_required", async () => {
    const user = await createSignedInUser();
    await setUser(user.id, { mustChangePassword: true });
    const { res } = await startLink(user.token);
    expect(res.status).toBe(403);
    expect(await res.json()).toMatchObject({ code: "password_change_required" });
  });

  it("records when and how the user proved who they are in the session", async () => {
    const user = await createSignedInUser();
    const record = await readSessionRecord(user.token);
    expect(record?.amr).toEqual(["pwd"]);
    expect(Date.now() - Date.parse(record?.authTime ?? "")).toBeLessThan(60_000);
  });
});

describe("completing a link", () => {
  it("refuses a provider authentication older than max_age: error=reauthentication_required, nothing linked", async () => {
    const user = await createSignedInUser();
    const landed = await link(user.token, "stale-provider-login", { authTimeAgo: 3600 });
    expect(landed.searchParams.get("error")).toBe("reauthentication_required");
    expect(await ownerOf("stale-provider-login")).toBeNull();
  });

  it("refuses when the user's sessions were ended between start and callback", async () => {
    const user = await createSignedInUser();
    const { state, binding } = await startLink(user.token);
    await bumpSessionEpoch(user.id);
    idp.tamper = { sub: "ended-meanwhile" };
    const landed = landing(await finishFlow(state, binding));
    expect(landed.searchParams.get("error")).toBe("reauthentication_required");
    expect(await ownerOf("ended-meanwhile")).toBeNull();
  });

  it("writes the issuer and subject of the linked identity to the audit log", async () => {
    const user = await createSignedInUser();
    expect((await link(user.token, "audited-subject")).searchParams.get("linked")).toBe("true");
    expect(await auditDetails("user.identity_linked", user.id)).toEqual([
      expect.objectContaining({ issuer: "https://idp.example.com", subject: "audited-subject" }),
    ]);
  });
});

describe("GET and DELETE /users/me/identities", () => {
  it("lists the linked identity and unlinks it: it no longer signs in, other sessions end, the caller's stays", async () => {
    const user = await createSignedInUser();
    await link(user.token, "removable-subject");
    // A second session of the same user, elsewhere.
    const { token: secondToken } = await sessionFrom(
      await login(user.username, user.password, "198.51.100.20"),
    );
    const identities = await listIdentities({ token: user.token });
    expect(identities).toEqual([
      expect.objectContaining({ issuer: "https://idp.example.com", subject: "removable-subject" }),
    ]);
    const removed = await call(`/users/me/identities/${identities[0]?.id}`, {
      token: user.token,
      method: "DELETE",
    });
    expect(removed.status).toBe(200);
    expect(await listIdentities({ token: user.token })).toEqual([]);
    expect((await call("/users/me", { token: secondToken })).status).toBe(401);
    expect((await call("/users/me", { token: user.token })).status).toBe(200);
    expect(await auditDetails("user.identity_removed", user.id)).toEqual([
      expect.objectContaining({ issuer: "https://idp.example.com", subject: "removable-subject" }),
    ]);
    // Signing in with that identity now makes a new account, never this one.
    const stranger = await oidcOnlyUser("removable-subject");
    expect(stranger.id).not.toBe(user.id);
  });

  it("refuses to remove the last way to sign in of a password-less user with 409 last_sign_in_method", async () => {
    const user = await oidcOnlyUser(`only-way-in-${crypto.randomUUID()}`);
    const [identity] = await listIdentities({ headers: user.headers });
    const res = await call(`/users/me/identities/${identity?.id}`, {
      method: "DELETE",
      headers: user.headers,
    });
    expect(res.status).toBe(409);
    expect(await res.json()).toMatchObject({ code: "last_sign_in_method" });
    expect(await listIdentities({ headers: user.headers })).toHaveLength(1);
  });

  it("answers 404 for another user's identity and changes nothing", async () => {
    const owner = await createSignedInUser();
    await link(owner.token, "not-yours");
    const [identity] = await listIdentities({ token: owner.token });
    const intruder = await createSignedInUser();
    const res = await call(`/users/me/identities/${identity?.id}`, {
      token: intruder.token,
      method: "DELETE",
    });
    expect(res.status).toBe(404);
    expect(await ownerOf("not-yours")).toBe(owner.id);
  });
});

describe("administrators and linked identities", () => {
  it("lists and unlinks a user's identity, ending the user's sessions", async () => {
    const admin = await loginAdmin();
    const user = await createSignedInUser();
    await link(user.token, "admin-removes-this");
    const path = `/users/admin/users/${user.id}/identities`;
    const [identity] = await listIdentitiesOf({ token: admin.token }, user.id);
    expect(identity).toMatchObject({ subject: "admin-removes-this" });
    expect((await call(`${path}/${identity?.id}`, { token: admin.token, method: "DELETE" })).status).toBe(
      200,
    );
    expect(await ownerOf("admin-removes-this")).toBeNull();
    expect((await call("/users/me", { token: user.token })).status).toBe(401);
  });

  it("removes every link on a password reset with remove_identities, one audit entry per identity; keeps them without", async () => {
    const admin = await loginAdmin();
    const user = await createSignedInUser();
    await link(user.token, "reset-keeps");
    const reset = (remove: boolean) =>
      call(`/users/admin/users/${user.id}/reset-password`, {
        method: "POST",
        json: { new_password: "an admin chosen passphrase", remove_identities: remove },
        token: admin.token,
      });
    expect((await reset(false)).status).toBe(200);
    expect(await ownerOf("reset-keeps")).toBe(user.id);
    expect((await reset(true)).status).toBe(200);
    expect(await ownerOf("reset-keeps")).toBeNull();
    expect(await auditDetails("admin.identity_removed", user.id)).toEqual([
      expect.objectContaining({ issuer: "https://idp.example.com", subject: "reset-keeps" }),
    ]);
  });

  it("removes every link when ending sessions with remove_identities=true", async () => {
    const admin = await loginAdmin();
    const user = await createSignedInUser();
    await link(user.token, "end-sessions-removes");
    const res = await call(`/users/admin/users/${user.id}/sessions?remove_identities=true`, {
      token: admin.token,
      method: "DELETE",
    });
    expect(res.status).toBe(200);
    expect(await ownerOf("end-sessions-removes")).toBeNull();
    expect((await call("/users/me", { token: user.token })).status).toBe(401);
  });

  it("refuses remove_identities on ending sessions of a password-less user with 409, changing nothing", async () => {
    const admin = await loginAdmin();
    const subject = `no-password-${crypto.randomUUID()}`;
    const user = await oidcOnlyUser(subject);
    const res = await call(`/users/admin/users/${user.id}/sessions?remove_identities=true`, {
      token: admin.token,
      method: "DELETE",
    });
    expect(res.status).toBe(409);
    expect(await res.json()).toMatchObject({ code: "last_sign_in_method" });
    expect(await ownerOf(subject)).toBe(user.id);
    expect((await call("/users/me", { headers: user.headers })).status).toBe(200);
  });
});
