import { describe, expect, it } from "vitest";
import { bodyAt, call, client, createSignedInUser, loginAdmin, randomIp } from "../helpers";
import {
  lastAudit,
  readPasskeys,
  readSecondFactors,
  readSessionRecord,
  readUser,
  rewriteKvRecord,
  secondsAgo,
  setUser,
} from "../seed";
import { ageAuthentication, startLogin } from "./mfa-helpers";
import { createSoftAuthenticator } from "./soft-authenticator";

type Authenticator = Awaited<ReturnType<typeof createSoftAuthenticator>>;
type Assertion = Awaited<ReturnType<Authenticator["assert"]>>;

const cookieOf = (res: { headers: Headers }) =>
  res.headers
    .getSetCookie()
    .map((c) => c.split(";")[0] ?? "")
    .find((c) => c.startsWith("webauthn_binding=")) ?? "";

/** The typed client from a fresh address, with the session `token` and the ceremony's binding `cookie`. */
const users = ({ token, cookie }: { token?: string; cookie?: string } = {}) =>
  client({ token, ip: randomIp(), headers: cookie ? { cookie } : {} }).users;

async function registerPasskey(token: string, authenticator: Authenticator, name: string) {
  const options = await users({ token }).me.passkeys.options.$post();
  const credential = await authenticator.register(await bodyAt(options, 200));
  return users({ token, cookie: cookieOf(options) }).me.passkeys.$post({ json: { name, credential } });
}

async function loginOptions() {
  const res = await users().login.passkey.options.$post();
  const body = await bodyAt(res, 200);
  return { challenge: body.challenge, body, cookie: cookieOf(res) };
}

const signInWithPasskey = (credential: Assertion, cookie?: string) =>
  users({ cookie }).login.passkey.$post({ json: { credential } });

/** Finishes a password sign-in waiting for its second factor with a passkey assertion. */
const finishWithPasskey = (challenge: string, passkey: Assertion, cookie: string) =>
  users({ cookie }).login.mfa.$post({ json: { challenge, passkey } });

const listPasskeys = async (token: string) =>
  (await bodyAt(await users({ token }).me.passkeys.$get(), 200)).data;

const removePasskey = (token: string, passkey_id: string) =>
  users({ token }).me.passkeys[":passkey_id"].$delete({ param: { passkey_id } });

describe("passkeys", () => {
  it("registers several, names, lists and removes them", async () => {
    const user = await createSignedInUser();
    const first = await createSoftAuthenticator();
    const second = await createSoftAuthenticator({ backupEligible: true });
    const a = await registerPasskey(user.token, first, "Laptop");
    expect(a.status).toBe(201);
    expect(await a.json()).toMatchObject({ name: "Laptop", backup_eligible: false, backed_up: false });
    const b = await registerPasskey(user.token, second, "Phone");
    expect(b.status).toBe(201);
    expect(await b.json()).toMatchObject({ name: "Phone", backup_eligible: true, backed_up: true });
    const list = await listPasskeys(user.token);
    expect(list.map((p) => p.name)).toEqual(["Laptop", "Phone"]);
    // The same authenticator cannot be registered twice.
    expect((await registerPasskey(user.token, first, "Again")).status).toBe(401);
    expect((await removePasskey(user.token, list[0]?.id ?? "")).status).toBe(200);
    expect((await removePasskey(user.token, "nope")).status).toBe(404);
    expect(await listPasskeys(user.token)).toHaveLength(1);
  });

  it("needs a recent authentication to add or remove one", async () => {
    const user = await createSignedInUser();
    await ageAuthentication(user.token, 301);
    const res = await users({ token: user.token }).me.passkeys.options.$post();
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ code: "reauthentication_required" });
  });

  it("signs in with a discoverable passkey alone, with amr hwk+user+mfa", async () => {
    const user = await createSignedInUser();
    const authenticator = await createSoftAuthenticator();
    expect((await registerPasskey(user.token, authenticator, "Key")).status).toBe(201);
    const { challenge, body, cookie } = await loginOptions();
    expect(body).toMatchObject({ rpId: "localhost", allowCredentials: [] });
    const credential = await authenticator.assert(challenge);
    const session = await bodyAt(await signInWithPasskey(credential, cookie), 200);
    expect(session.user.id).toBe(user.id);
    expect((await readSessionRecord(session.token))?.amr).toEqual(["hwk", "user", "mfa"]);
    // The challenge was single-use: the same assertion again is refused.
    const replay = await signInWithPasskey(credential, cookie);
    expect(replay.status).toBe(401);
    expect(await replay.json()).toMatchObject({ code: "invalid_passkey" });
  });

  it("refuses a challenge from another browser, an expired one, and another origin", async () => {
    const user = await createSignedInUser();
    const authenticator = await createSoftAuthenticator();
    await registerPasskey(user.token, authenticator, "Key");
    const foreign = await loginOptions();
    const other = await loginOptions();
    const a = await signInWithPasskey(await authenticator.assert(foreign.challenge), other.cookie);
    expect(a.status).toBe(401);
    const expired = await loginOptions();
    await rewriteKvRecord(`webauthn-challenge:${expired.challenge}`, { createdAt: secondsAgo(301) });
    const b = await signInWithPasskey(await authenticator.assert(expired.challenge), expired.cookie);
    expect(b.status).toBe(401);
    const phishing = await loginOptions();
    const evil = await authenticator.assert(phishing.challenge, { origin: "https://evil.example.com" });
    expect((await signInWithPasskey(evil, phishing.cookie)).status).toBe(401);
    // Malformed input (which the typed client refuses to send) is a 4xx, never a 500.
    const d = await call("/users/login/passkey", {
      method: "POST",
      json: { credential: { id: "x", response: {} } },
      ip: randomIp(),
    });
    expect(d.status).toBe(422);
  });

  it("refuses and audits a signature counter going backwards (a cloned authenticator)", async () => {
    const user = await createSignedInUser();
    const authenticator = await createSoftAuthenticator();
    await registerPasskey(user.token, authenticator, "Key");
    const first = await loginOptions();
    const ok = await signInWithPasskey(
      await authenticator.assert(first.challenge, { counter: 5 }),
      first.cookie,
    );
    expect(ok.status).toBe(200);
    const second = await loginOptions();
    const cloned = await signInWithPasskey(
      await authenticator.assert(second.challenge, { counter: 3 }),
      second.cookie,
    );
    expect(cloned.status).toBe(401);
    expect((await lastAudit("auth.passkey_counter_regressed", user.id))?.details).toMatchObject({
      reason: "counter_regressed",
    });
    expect((await readPasskeys(user.id)).map((p) => p.signCount)).toEqual([5]);
  });

  it("is removed by an administrator's factor reset", async () => {
    const user = await createSignedInUser();
    await registerPasskey(user.token, await createSoftAuthenticator(), "Key");
    const { token: admin } = await loginAdmin();
    const reset = await users({ token: admin }).admin.users[":uid"].mfa.disable.$post({
      param: { uid: user.id },
    });
    expect(reset.status).toBe(200);
    expect((await readSecondFactors(user.id)).passkeys).toBe(0);
  });
});

describe("renaming a passkey", () => {
  /** The id of the user's only passkey, read through the typed client. */
  async function onlyPasskeyId(token: string) {
    const list = await bodyAt(await client({ token }).users.me.passkeys.$get(), 200);
    const id = list.data[0]?.id;
    if (!id) throw new Error("no passkey");
    return id;
  }
  const rename = (token: string, passkey_id: string, name: string) =>
    client({ token }).users.me.passkeys[":passkey_id"].$patch({ param: { passkey_id }, json: { name } });

  it("renames one's own passkey, trimmed, lists the new name and audits the change", async () => {
    const user = await createSignedInUser();
    expect((await registerPasskey(user.token, await createSoftAuthenticator(), "Key")).status).toBe(201);
    const id = await onlyPasskeyId(user.token);
    const renamed = await bodyAt(await rename(user.token, id, "  Work laptop "), 200);
    expect(renamed).toMatchObject({ id, name: "Work laptop" });
    const list = await bodyAt(await client({ token: user.token }).users.me.passkeys.$get(), 200);
    expect(list.data.map((p) => p.name)).toEqual(["Work laptop"]);
    const admin = await loginAdmin();
    const audit = await bodyAt(
      await admin.api.users.admin.audit.$get({ query: { action: "mfa.passkey_renamed", actor: user.id } }),
      200,
    );
    expect(audit.data[0]?.details).toEqual({ passkey_id: id, name: "Work laptop" });
  });

  it("refuses the names registration refuses: empty, too long, bidi overrides and zero-width characters", async () => {
    const user = await createSignedInUser();
    await registerPasskey(user.token, await createSoftAuthenticator(), "Key");
    const id = await onlyPasskeyId(user.token);
    for (const name of ["   ", "x".repeat(65), "evil\u202Etxt.exe", "in\u200Bvisible"]) {
      expect((await rename(user.token, id, name)).status).toBe(422);
    }
    // Registration applies the same rules.
    expect((await registerPasskey(user.token, await createSoftAuthenticator(), "a\u202Eb")).status).toBe(422);
  });

  it("answers 404 for another user's passkey and leaves its name as it was", async () => {
    const owner = await createSignedInUser();
    const other = await createSignedInUser();
    await registerPasskey(owner.token, await createSoftAuthenticator(), "Mine");
    const id = await onlyPasskeyId(owner.token);
    const res = await rename(other.token, id, "Stolen");
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ code: "not_found" });
    const list = await bodyAt(await client({ token: owner.token }).users.me.passkeys.$get(), 200);
    expect(list.data.map((p) => p.name)).toEqual(["Mine"]);
  });
});

describe("re-authenticating with a passkey (step-up)", () => {
  type Authenticator = Awaited<ReturnType<typeof createSoftAuthenticator>>;

  /** A challenge for this session's user, and the assertion the authenticator makes for it. */
  async function reauthAssertion(token: string, authenticator: Authenticator) {
    const res = await client({ token, ip: randomIp() }).users.me.reauthenticate.passkey.options.$post();
    const options = await bodyAt(res, 200);
    const { id, response } = await authenticator.assert(options.challenge);
    return { options, cookie: cookieOf(res), passkey: { id, response } };
  }
  type Assertion = Awaited<ReturnType<Authenticator["assert"]>>;
  const reauthenticate = (token: string, cookie: string, passkey: Pick<Assertion, "id" | "response">) =>
    client({ token, ip: randomIp(), headers: { cookie } }).users.me.reauthenticate.$post({
      json: { passkey },
    });

  it("steps up a passkey-only account with an assertion alone, amr hwk+user+mfa", async () => {
    const user = await createSignedInUser();
    const authenticator = await createSoftAuthenticator();
    expect((await registerPasskey(user.token, authenticator, "Key")).status).toBe(201);
    // No password any more: the passkey is the only way in (as for an OIDC + passkey account).
    await setUser(user.id, { passwordHash: null });
    const signIn = await loginOptions();
    const { id, response } = await authenticator.assert(signIn.challenge);
    const signedIn = await client({
      ip: randomIp(),
      headers: { cookie: signIn.cookie },
    }).users.login.passkey.$post({ json: { credential: { id, response } } });
    const { token } = await bodyAt(signedIn, 200);
    await ageAuthentication(token, 301);
    expect((await client({ token }).users.me.passkeys.options.$post()).status).toBe(401);

    const { options, cookie, passkey } = await reauthAssertion(token, authenticator);
    expect(options.allowCredentials).toEqual([{ type: "public-key", id: authenticator.credentialId }]);
    const done = await bodyAt(await reauthenticate(token, cookie, passkey), 200);
    expect(done.amr).toEqual(["hwk", "user", "mfa"]);
    expect((await readSessionRecord(token))?.amr).toEqual(["hwk", "user", "mfa"]);
    // The step-up guard is satisfied now.
    expect((await client({ token }).users.me.passkeys.options.$post()).status).toBe(200);
  });

  it("counts a refused assertion (another account's passkey) toward the lockout", async () => {
    const user = await createSignedInUser();
    const other = await createSignedInUser();
    const theirs = await createSoftAuthenticator();
    await registerPasskey(user.token, await createSoftAuthenticator(), "Mine");
    await registerPasskey(other.token, theirs, "Theirs");
    const { cookie, passkey } = await reauthAssertion(user.token, theirs);
    const res = await reauthenticate(user.token, cookie, passkey);
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ code: "invalid_passkey" });
    expect((await readUser(user.id))?.failedAttempts).toBe(1);
  });

  it("answers 409 to a user without a passkey: an empty allowCredentials would let any passkey answer", async () => {
    const user = await createSignedInUser();
    const res = await client({ token: user.token }).users.me.reauthenticate.passkey.options.$post();
    expect(res.status).toBe(409);
    expect(await res.json()).toMatchObject({ code: "mfa_not_enabled" });
  });

  it("records a counter going backwards as the lockout failure's reason, in the failure's one entry", async () => {
    const user = await createSignedInUser();
    const authenticator = await createSoftAuthenticator();
    await registerPasskey(user.token, authenticator, "Key");
    const stepUp = async (counter: number) => {
      const res = await client({
        token: user.token,
        ip: randomIp(),
      }).users.me.reauthenticate.passkey.options.$post();
      const { challenge } = await bodyAt(res, 200);
      const { id, response } = await authenticator.assert(challenge, { counter });
      return reauthenticate(user.token, cookieOf(res), { id, response });
    };
    expect((await stepUp(5)).status).toBe(200);
    expect((await stepUp(3)).status).toBe(401);
    expect((await readUser(user.id))?.failedAttempts).toBe(1);
    expect((await lastAudit("auth.login_failed", user.id))?.details).toMatchObject({
      reason: "passkey_counter_regressed",
      failures: 1,
    });
    expect(await lastAudit("auth.passkey_counter_regressed", user.id)).toBeNull();
    expect((await readPasskeys(user.id)).map((p) => p.signCount)).toEqual([5]);
  });

  it("refuses, without counting, a challenge issued to another user or for a sign-in", async () => {
    const user = await createSignedInUser();
    const other = await createSignedInUser();
    const mine = await createSoftAuthenticator();
    await registerPasskey(user.token, mine, "Mine");
    await registerPasskey(other.token, await createSoftAuthenticator(), "Theirs");
    // The other user's challenge (and browser), signed by my passkey, sent with my session.
    const foreign = await reauthAssertion(other.token, mine);
    const a = await reauthenticate(user.token, foreign.cookie, foreign.passkey);
    expect(a.status).toBe(401);
    // A sign-in challenge is not a re-authentication challenge, nor the other way round.
    const signIn = await loginOptions();
    const { id, response } = await mine.assert(signIn.challenge);
    const b = await reauthenticate(user.token, signIn.cookie, { id, response });
    expect(b.status).toBe(401);
    const mineForReauth = await reauthAssertion(user.token, mine);
    const c = await call("/users/login/passkey", {
      method: "POST",
      json: { credential: mineForReauth.passkey },
      headers: { cookie: mineForReauth.cookie },
    });
    expect(c.status).toBe(401);
    expect((await readUser(user.id))?.failedAttempts).toBe(0);
  });

  it("takes a passkey alone: with a password or a code as well it is a 422", async () => {
    const user = await createSignedInUser();
    const mine = await createSoftAuthenticator();
    await registerPasskey(user.token, mine, "Mine");
    const { cookie, passkey } = await reauthAssertion(user.token, mine);
    const res = await client({ token: user.token, headers: { cookie } }).users.me.reauthenticate.$post({
      json: { passkey, password: user.password },
    });
    expect(res.status).toBe(422);
  });
});

describe("a passkey as the second factor", () => {
  it("turns mfa_enabled on and finishes a password sign-in with an assertion", async () => {
    const user = await createSignedInUser();
    const authenticator = await createSoftAuthenticator();
    expect((await registerPasskey(user.token, authenticator, "Key")).status).toBe(201);
    expect(await (await call("/users/me", { token: user.token })).json()).toMatchObject({
      mfa_enabled: true,
    });
    const { body: pending } = await startLogin(user);
    expect(pending).toMatchObject({ mfa_required: true, methods: ["passkey"] });
    const options = await loginOptions();
    const credential = await authenticator.assert(options.challenge);
    const done = await finishWithPasskey(pending.challenge, credential, options.cookie);
    const session = await bodyAt(done, 200);
    expect((await readSessionRecord(session.token))?.amr).toEqual(["pwd", "hwk", "mfa"]);
  });

  it("refuses another account's passkey and counts it as a failure", async () => {
    const user = await createSignedInUser();
    const other = await createSignedInUser();
    const mine = await createSoftAuthenticator();
    const theirs = await createSoftAuthenticator();
    await registerPasskey(user.token, mine, "Mine");
    await registerPasskey(other.token, theirs, "Theirs");
    const { body: pending } = await startLogin(user);
    const options = await loginOptions();
    const res = await finishWithPasskey(
      pending.challenge,
      await theirs.assert(options.challenge),
      options.cookie,
    );
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ code: "invalid_passkey" });
    expect((await readUser(user.id))?.failedAttempts).toBe(1);
  });

  it("turns mfa_enabled off when the last factor is removed", async () => {
    const user = await createSignedInUser();
    await registerPasskey(user.token, await createSoftAuthenticator(), "Key");
    const [passkey] = await listPasskeys(user.token);
    await removePasskey(user.token, passkey?.id ?? "");
    expect(await (await call("/users/me", { token: user.token })).json()).toMatchObject({
      mfa_enabled: false,
    });
  });
});
