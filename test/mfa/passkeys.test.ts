import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { bodyAt, call, client, createSignedInUser, loginAdmin, randomIp } from "../helpers";
import { readUser, setUser } from "../seed";
import { ageAuthentication, readSessionRecord, startLogin } from "./mfa-helpers";
import { createSoftAuthenticator } from "./soft-authenticator";

const cookieOf = (res: { headers: Headers }) =>
  res.headers
    .getSetCookie()
    .map((c) => c.split(";")[0] ?? "")
    .find((c) => c.startsWith("webauthn_binding=")) ?? "";

function postJson(path: string, body: unknown, headers: Record<string, string> = {}) {
  return call(path, {
    method: "POST",
    headers: { "content-type": "application/json", "cf-connecting-ip": randomIp(), ...headers },
    body: JSON.stringify(body),
  });
}

type Creation = {
  challenge: string;
  user: { id: string };
  rp: { id: string };
  excludeCredentials: unknown[];
};

async function registerPasskey(
  token: string,
  authenticator: Awaited<ReturnType<typeof createSoftAuthenticator>>,
  name: string,
) {
  const options = await postJson("/users/me/passkeys/options", {}, { authorization: `Bearer ${token}` });
  expect(options.status).toBe(200);
  const creation = (await options.json()) as Creation;
  const credential = await authenticator.register(creation);
  return postJson(
    "/users/me/passkeys",
    { name, credential },
    { authorization: `Bearer ${token}`, cookie: cookieOf(options) },
  );
}

async function loginOptions() {
  const res = await postJson("/users/login/passkey/options", {});
  expect(res.status).toBe(200);
  const body = (await res.json()) as { challenge: string; rpId: string; allowCredentials: unknown[] };
  return { challenge: body.challenge, body, cookie: cookieOf(res) };
}

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
    const list = (await (await call("/users/me/passkeys", { token: user.token })).json()) as {
      data: { id: string; name: string }[];
    };
    expect(list.data.map((p) => p.name)).toEqual(["Laptop", "Phone"]);
    // The same authenticator cannot be registered twice.
    expect((await registerPasskey(user.token, first, "Again")).status).toBe(401);
    const removed = await call(`/users/me/passkeys/${list.data[0]?.id}`, {
      token: user.token,
      method: "DELETE",
    });
    expect(removed.status).toBe(200);
    expect((await call("/users/me/passkeys/nope", { token: user.token, method: "DELETE" })).status).toBe(404);
    const after = (await (await call("/users/me/passkeys", { token: user.token })).json()) as {
      data: unknown[];
    };
    expect(after.data).toHaveLength(1);
  });

  it("needs a recent authentication to add or remove one", async () => {
    const user = await createSignedInUser();
    await ageAuthentication(user.token, 301);
    const res = await postJson("/users/me/passkeys/options", {}, { authorization: `Bearer ${user.token}` });
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
    const res = await postJson("/users/login/passkey", { credential }, { cookie });
    expect(res.status).toBe(200);
    const session = (await res.json()) as { token: string; user: { id: string } };
    expect(session.user.id).toBe(user.id);
    expect((await readSessionRecord(session.token))?.amr).toEqual(["hwk", "user", "mfa"]);
    // The challenge was single-use: the same assertion again is refused.
    const replay = await postJson("/users/login/passkey", { credential }, { cookie });
    expect(replay.status).toBe(401);
    expect(await replay.json()).toMatchObject({ code: "invalid_passkey" });
  });

  it("refuses a challenge from another browser, an expired one, and another origin", async () => {
    const user = await createSignedInUser();
    const authenticator = await createSoftAuthenticator();
    await registerPasskey(user.token, authenticator, "Key");
    const foreign = await loginOptions();
    const other = await loginOptions();
    const a = await postJson(
      "/users/login/passkey",
      { credential: await authenticator.assert(foreign.challenge) },
      { cookie: other.cookie },
    );
    expect(a.status).toBe(401);
    const expired = await loginOptions();
    const key = `webauthn-challenge:${expired.challenge}`;
    const record = await env.KV.get<Record<string, unknown>>(key, "json");
    await env.KV.put(
      key,
      JSON.stringify({ ...record, createdAt: new Date(Date.now() - 301_000).toISOString() }),
    );
    const b = await postJson(
      "/users/login/passkey",
      { credential: await authenticator.assert(expired.challenge) },
      { cookie: expired.cookie },
    );
    expect(b.status).toBe(401);
    const phishing = await loginOptions();
    const c = await postJson(
      "/users/login/passkey",
      { credential: await authenticator.assert(phishing.challenge, { origin: "https://evil.example.com" }) },
      { cookie: phishing.cookie },
    );
    expect(c.status).toBe(401);
    // Malformed input is a 4xx, never a 500.
    const d = await postJson("/users/login/passkey", { credential: { id: "x", response: {} } });
    expect(d.status).toBe(422);
  });

  it("refuses and audits a signature counter going backwards (a cloned authenticator)", async () => {
    const user = await createSignedInUser();
    const authenticator = await createSoftAuthenticator();
    await registerPasskey(user.token, authenticator, "Key");
    const first = await loginOptions();
    const ok = await postJson(
      "/users/login/passkey",
      { credential: await authenticator.assert(first.challenge, { counter: 5 }) },
      { cookie: first.cookie },
    );
    expect(ok.status).toBe(200);
    const second = await loginOptions();
    const cloned = await postJson(
      "/users/login/passkey",
      { credential: await authenticator.assert(second.challenge, { counter: 3 }) },
      { cookie: second.cookie },
    );
    expect(cloned.status).toBe(401);
    const audit = await env.DB.prepare("SELECT details FROM audit_log WHERE target_id = ? AND action = ?")
      .bind(user.id, "auth.passkey_counter_regressed")
      .first<{ details: string }>();
    expect(JSON.parse(audit?.details ?? "{}")).toMatchObject({ reason: "counter_regressed" });
    const row = await env.DB.prepare("SELECT sign_count FROM user_passkeys WHERE user_id = ?")
      .bind(user.id)
      .first<{ sign_count: number }>();
    expect(row?.sign_count).toBe(5);
  });

  it("is removed by an administrator's factor reset", async () => {
    const user = await createSignedInUser();
    await registerPasskey(user.token, await createSoftAuthenticator(), "Key");
    const { loginAdmin } = await import("../helpers");
    const { token: admin } = await loginAdmin();
    expect(
      (await postJson(`/users/admin/users/${user.id}/mfa/disable`, {}, { authorization: `Bearer ${admin}` }))
        .status,
    ).toBe(200);
    const n = await env.DB.prepare("SELECT count(*) AS n FROM user_passkeys WHERE user_id = ?")
      .bind(user.id)
      .first<{ n: number }>();
    expect(n?.n).toBe(0);
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

  it("refuses, without counting, a challenge issued to another user or for a sign-in", async () => {
    const user = await createSignedInUser();
    const other = await createSignedInUser();
    const mine = await createSoftAuthenticator();
    await registerPasskey(user.token, mine, "Mine");
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
    const c = await postJson(
      "/users/login/passkey",
      { credential: mineForReauth.passkey },
      { cookie: mineForReauth.cookie },
    );
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
    const done = await postJson(
      "/users/login/mfa",
      { challenge: pending.challenge, passkey: credential },
      { cookie: options.cookie },
    );
    expect(done.status).toBe(200);
    const session = (await done.json()) as { token: string };
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
    const res = await postJson(
      "/users/login/mfa",
      { challenge: pending.challenge, passkey: await theirs.assert(options.challenge) },
      { cookie: options.cookie },
    );
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ code: "invalid_passkey" });
    const row = await env.DB.prepare("SELECT failed_attempts AS n FROM users WHERE id = ?")
      .bind(user.id)
      .first<{ n: number }>();
    expect(row?.n).toBe(1);
  });

  it("turns mfa_enabled off when the last factor is removed", async () => {
    const user = await createSignedInUser();
    await registerPasskey(user.token, await createSoftAuthenticator(), "Key");
    const list = (await (await call("/users/me/passkeys", { token: user.token })).json()) as {
      data: { id: string }[];
    };
    await call(`/users/me/passkeys/${list.data[0]?.id}`, { token: user.token, method: "DELETE" });
    expect(await (await call("/users/me", { token: user.token })).json()).toMatchObject({
      mfa_enabled: false,
    });
  });
});
