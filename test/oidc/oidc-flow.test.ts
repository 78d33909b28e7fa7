import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { api, bodyAt, client, createSignedInUser, createUser } from "../helpers";
import { bumpSessionEpoch, identityCount, setUser, userOfSubject } from "../seed";
import { ISSUER, newBrowser, startFakeIdp, type Tamper } from "./fake-idp";
import { FRONTEND, pkcePair } from "./flow";

let idp: Awaited<ReturnType<typeof startFakeIdp>>;

beforeEach(async () => {
  idp = await startFakeIdp();
});
afterEach(() => {
  vi.restoreAllMocks();
});

/** A browser signs in through the fake provider, which issues an ID token tampered as given. */
async function signIn(tamper: Tamper = {}, codeChallenge?: string) {
  idp.tamper = tamper;
  const browser = newBrowser();
  const query = {
    frontend_callback_uri: FRONTEND,
    ...(codeChallenge ? { code_challenge: codeChallenge } : {}),
  };
  const { res, landed } = await browser.signIn(idp.approve, query);
  return { browser, res, landed };
}

/** A sign-in for another-site frontend: the login code and the verifier that redeems it. */
async function signInForCode(tamper: Tamper = {}) {
  const pkce = await pkcePair();
  const { landed } = await signIn(tamper, pkce.challenge);
  return { code: loginCodeOf(landed), verifier: pkce.verifier };
}

const loginCodeOf = (landed: URL | null) => landed?.searchParams.get("login_code") ?? "";

describe("GET /users/login", () => {
  it("redirects to the provider with PKCE S256, a fresh state and nonce, and binds the browser", async () => {
    const browser = newBrowser();
    const { res, authorization } = await browser.startLogin({ frontend_callback_uri: FRONTEND });
    expect(res.status).toBe(302);
    expect(authorization && authorization.origin + authorization.pathname).toBe(
      "https://idp.example.com/authorize",
    );
    const p = authorization?.searchParams ?? new URLSearchParams();
    expect(p.get("client_id")).toBe("edge-users-test");
    expect(p.get("response_type")).toBe("code");
    expect(p.get("scope")).toBe("openid email profile");
    expect(p.get("code_challenge_method")).toBe("S256");
    expect(p.get("code_challenge")).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(p.get("state")).toMatch(/^[A-Za-z0-9_-]{43}$/); // 256 bits
    expect(p.get("nonce")).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(p.get("redirect_uri")).toBe("http://localhost:8787/api/v1/users/login/callback");
    expect(browser.cookie("oidc_binding")).toMatch(/^.{43}$/);
    expect(res.headers.getSetCookie().join()).toMatch(/HttpOnly/);
  });

  it("answers JSON with the authorization URL when asked", async () => {
    const res = await api.users.login.$get({ query: {} }, { headers: { accept: "application/json" } });
    const body = await bodyAt(res, 200);
    expect(body).toMatchObject({
      authorization_url: expect.stringMatching(/^https:\/\/idp\.example\.com\/authorize\?/),
    });
  });

  it.each([
    "https://evil.example.com/",
    "http://localhost:5173.evil.com/",
    "http://localhost:5174/",
    "https://localhost:5173/",
    "http://localhost:5173@evil.com/",
    "//evil.com/",
    "/\\evil.com",
    "http:\\\\evil.com",
    "javascript:alert(1)",
    "data:text/html,hi",
    "http://evil.com\\@localhost:5173/",
  ])("refuses %s with 422 and no redirect", async (uri) => {
    const { res, authorization } = await newBrowser().startLogin({ frontend_callback_uri: uri });
    expect(res.status).toBe(422);
    expect(authorization).toBeNull();
  });
});

describe("GET /users/login/callback", () => {
  it("signs a new user in just in time with the session cookie only, no login code, when no code_challenge is given", async () => {
    const { browser, res, landed } = await signIn();
    expect(res.status).toBe(302);
    expect(landed && landed.origin + landed.pathname).toBe(FRONTEND);
    expect(landed?.searchParams.get("login_code")).toBeNull();
    expect(browser.cookie("session")).toBeTruthy();
    const me = await browser.request(`${browser.api}/users/me`);
    expect(await me.json()).toMatchObject({
      identity_source: "OIDC",
      email: "alice@example.org",
      display_name: "Alice Example",
    });
    const token = idp.tokenRequests[0];
    // RFC 6749 §2.3.1: id and secret are form-urlencoded before base64.
    const [id, secret] = atob((token?.authorization ?? "").replace(/^Basic /, ""))
      .split(":")
      .map(decodeURIComponent);
    expect([id, secret]).toEqual(["edge-users-test", "test-client-secret"]);
    expect(token?.body).toMatch(/code_verifier=[A-Za-z0-9_-]{43}/);
    expect(token?.body).toContain("grant_type=authorization_code");
  });

  it("exchanges the one-time code once, from the frontend's origin only", async () => {
    const exchange = (pair: { code: string; verifier: string }, origin: string) =>
      client({ headers: { origin } }).users.login.exchange.$post({
        json: { code: pair.code, code_verifier: pair.verifier },
      });
    const first = await signInForCode({ sub: "exchange-subject" });
    const wrongOrigin = await exchange(first, "https://evil.example.com");
    expect(wrongOrigin.status).toBe(403); // cross_site_request, before the code is looked at
    const second = await signInForCode({ sub: "exchange-subject" });
    const { token } = await bodyAt(await exchange(second, "http://localhost:5173"), 200);
    expect((await client({ token }).users.me.$get()).status).toBe(200);
    const again = await exchange(second, "http://localhost:5173");
    expect(again.status).toBe(400);
  });

  it("reuses the same user on a second sign-in of the same subject and refreshes the profile", async () => {
    await signIn({ sub: "repeat-subject", name: "First Name" });
    await signIn({ sub: "repeat-subject", name: "Second Name" });
    expect(await identityCount("repeat-subject")).toBe(1);
    expect(await userOfSubject(ISSUER, "repeat-subject")).toMatchObject({ displayName: "Second Name" });
  });

  it("never signs into an existing account because the e-mail matches", async () => {
    const victim = await createUser();
    await setUser(victim.id, { email: "victim@example.org" });
    const { browser } = await signIn({ sub: "attacker-subject", email: "victim@example.org" });
    const me = await client({ headers: { cookie: `session=${browser.cookie("session")}` } }).users.me.$get();
    const body = await bodyAt(me, 200);
    expect(body.id).not.toBe(victim.id);
  });

  it.each<[string, Tamper]>([
    ["a wrong audience", { aud: "someone-else" }],
    ["a wrong issuer", { iss: "https://evil.example.com" }],
    ["a bad signature", { signWithOtherKey: true }],
    ["alg none", { algNone: true }],
    ["an expired token", { expiresIn: -60 }],
    ["a missing nonce", { nonce: null }],
    ["a wrong nonce", { nonce: "not-the-nonce" }],
  ])(
    "refuses an ID token with %s: redirect with error=invalid_response, no session",
    async (_label, tamper) => {
      const { browser, res, landed } = await signIn(tamper);
      expect(res.status).toBe(302);
      expect(landed?.searchParams.get("error")).toBe("invalid_response");
      expect(landed?.searchParams.get("login_code")).toBeNull();
      expect(browser.cookie("session")).toBeUndefined();
    },
  );

  it("turns a provider error into a fixed code, never the provider's text", async () => {
    const answer = idp.respond({ error: "access_denied", error_description: "<script>" });
    const { landed } = await newBrowser().signIn(answer);
    expect(landed?.searchParams.get("error")).toBe("access_denied");
    expect(landed?.href).not.toContain("script");
  });

  it("refuses a replayed state with 400 and no redirect", async () => {
    const browser = newBrowser();
    const { authorization } = await browser.startLogin();
    const params = await idp.approve(authorization ?? new URL("http://invalid/"), browser);
    const binding = browser.cookie("oidc_binding") ?? "";
    expect((await browser.callback(params)).res.status).toBe(302);
    browser.jar.set(browser.api, "oidc_binding", binding); // the callback cleared it; replay it anyway
    const replay = await browser.callback(params);
    expect(replay.res.status).toBe(400);
    expect(replay.landed).toBeNull();
  });

  it("refuses an unknown state and a state from another browser", async () => {
    const forger = newBrowser();
    forger.jar.set(forger.api, "oidc_binding", "whatever");
    expect((await forger.callback({ code: "the-code", state: "A".repeat(43) })).res.status).toBe(400);
    const victim = newBrowser();
    const stateOf = async (browser: typeof victim) =>
      (await browser.startLogin()).authorization?.searchParams.get("state") ?? "";
    const state = await stateOf(victim);
    const attacker = newBrowser();
    const attackerState = await stateOf(attacker);
    const { res } = await attacker.callback({ code: "the-code", state });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ code: "invalid_state" });
    const noCookie = await newBrowser().callback({ code: "the-code", state: attackerState });
    expect(noCookie.res.status).toBe(400);
  });

  it("refuses to exchange a code after the user was disabled or their sessions were ended", async () => {
    const changes = [
      (id: string) => setUser(id, { status: "DISABLED" }),
      (id: string) => bumpSessionEpoch(id),
    ];
    for (const change of changes) {
      const subject = `exchange-${crypto.randomUUID()}`;
      const pair = await signInForCode({ sub: subject });
      await change((await userOfSubject(ISSUER, subject))?.id ?? "");
      const exchange = await client({
        headers: { origin: "http://localhost:5173" },
      }).users.login.exchange.$post({
        json: { code: pair.code, code_verifier: pair.verifier },
      });
      expect(exchange.status).toBe(400);
      expect(await exchange.json()).toMatchObject({ code: "invalid_login_code" });
    }
  });

  it("refuses a disabled user with error=account_disabled", async () => {
    await signIn({ sub: "disabled-subject" });
    const user = await userOfSubject(ISSUER, "disabled-subject");
    await setUser(user?.id ?? "", { status: "DISABLED" });
    const { landed } = await signIn({ sub: "disabled-subject" });
    expect(landed?.searchParams.get("error")).toBe("account_disabled");
  });

  it("links a provider identity to the signed-in account only from that account's session", async () => {
    const user = await createSignedInUser();
    idp.tamper = { sub: "linked-subject" };
    const unauthenticated = await newBrowser().startLogin({ link: "true" });
    expect(unauthenticated.res.status).toBe(401);
    const { landed } = await newBrowser().signIn(
      idp.approve,
      { link: "true" },
      { authorization: `Bearer ${user.token}` },
    );
    expect(landed?.searchParams.get("linked")).toBe("true");
    expect((await userOfSubject(ISSUER, "linked-subject"))?.id).toBe(user.id);
  });
});
