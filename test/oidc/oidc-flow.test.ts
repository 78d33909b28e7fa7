import { env } from "cloudflare:workers";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { call, createSignedInUser, createUser, jsonInit } from "../helpers";
import { startFakeIdp, type Tamper } from "./fake-idp";
import {
  cookieOf,
  FRONTEND,
  FRONTEND_ORIGIN,
  finishFlow as finish,
  landing,
  pkcePair,
  startFlow,
} from "./flow";

let idp: Awaited<ReturnType<typeof startFakeIdp>>;

beforeEach(async () => {
  idp = await startFakeIdp();
});
afterEach(() => {
  vi.restoreAllMocks();
});

const start = (frontend = FRONTEND, query: Record<string, string> = {}) =>
  startFlow(idp, { query: { frontend_callback_uri: frontend, ...query } });

async function signIn(tamper: Tamper = {}, query: Record<string, string> = {}) {
  idp.tamper = tamper;
  const { state, binding } = await start(FRONTEND, query);
  return finish(state, binding);
}

/** Signs in as an other-site frontend would: with a code challenge; answers the code and verifier. */
async function signInForCode(tamper: Tamper = {}) {
  const { verifier, challenge } = await pkcePair();
  const res = await signIn(tamper, { code_challenge: challenge });
  return { res, code: landing(res).searchParams.get("login_code"), verifier };
}

const exchange = (body: unknown, origin = FRONTEND_ORIGIN) =>
  call("/users/login/exchange", jsonInit("POST", body, undefined, { origin }));

describe("GET /users/login", () => {
  it("redirects to the provider with PKCE S256, a fresh state and nonce, and binds the browser", async () => {
    const { res, location, binding } = await start();
    expect(res.status).toBe(302);
    expect(location.origin + location.pathname).toBe("https://idp.example.com/authorize");
    const p = location.searchParams;
    expect(p.get("client_id")).toBe("edge-users-test");
    expect(p.get("response_type")).toBe("code");
    expect(p.get("scope")).toBe("openid email profile");
    expect(p.get("code_challenge_method")).toBe("S256");
    expect(p.get("code_challenge")).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(p.get("state")).toMatch(/^[A-Za-z0-9_-]{43}$/); // 256 bits
    expect(p.get("nonce")).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(p.get("redirect_uri")).toBe("http://localhost:8787/api/v1/users/login/callback");
    expect(binding).toMatch(/^oidc_binding=.{43}$/);
    expect(res.headers.getSetCookie().join()).toMatch(/HttpOnly/);
  });

  it("answers JSON with the authorization URL when asked", async () => {
    const res = await call("/users/login", {
      headers: { accept: "application/json", "cf-connecting-ip": "198.51.100.7" },
    });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { authorization_url: string }).authorization_url).toMatch(
      /^https:\/\/idp\.example\.com\/authorize\?/,
    );
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
    const { res } = await start(uri);
    expect(res.status).toBe(422);
    expect(res.headers.get("location")).toBeNull();
  });
});

describe("GET /users/login/callback", () => {
  it("signs a new user in just in time with the session cookie only, no login code, when no code_challenge is given", async () => {
    const res = await signIn();
    expect(res.status).toBe(302);
    const location = new URL(res.headers.get("location") ?? "");
    expect(location.origin + location.pathname).toBe(FRONTEND);
    expect(location.searchParams.get("login_code")).toBeNull();
    const cookie = cookieOf(res, "session");
    const me = await call("/users/me", { headers: { cookie } });
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

  it("gives a frontend that sent a code_challenge a login code instead of a cookie session, redeemable once with its verifier", async () => {
    const { res, code, verifier } = await signInForCode({ sub: "exchange-subject" });
    expect(code).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(cookieOf(res, "session")).toBe("");
    const ok = await exchange({ code, code_verifier: verifier });
    expect(ok.status).toBe(200);
    const body = (await ok.json()) as { token: string };
    expect((await call("/users/me", { headers: { authorization: `Bearer ${body.token}` } })).status).toBe(
      200,
    );
    expect((await exchange({ code, code_verifier: verifier })).status).toBe(400);
  });

  it("refuses a login code from another origin even with the right verifier", async () => {
    const { code, verifier } = await signInForCode({ sub: "exchange-subject" });
    const wrongOrigin = await exchange({ code, code_verifier: verifier }, "https://evil.example.com");
    expect(wrongOrigin.status).toBe(400);
    expect(await wrongOrigin.json()).toMatchObject({ code: "invalid_login_code" });
  });

  it("reuses the same user on a second sign-in of the same subject and refreshes the profile", async () => {
    await signIn({ sub: "repeat-subject", name: "First Name" });
    await signIn({ sub: "repeat-subject", name: "Second Name" });
    const { results } = await env.DB.prepare(
      "SELECT u.display_name FROM identities i JOIN users u ON u.id = i.user_id WHERE i.subject = 'repeat-subject'",
    ).all<{ display_name: string }>();
    expect(results).toEqual([{ display_name: "Second Name" }]);
  });

  it("never signs into an existing account because the e-mail matches", async () => {
    const victim = await createUser();
    await env.DB.prepare("UPDATE users SET email = 'victim@example.org' WHERE id = ?").bind(victim.id).run();
    const res = await signIn({ sub: "attacker-subject", email: "victim@example.org" });
    const me = await call("/users/me", { headers: { cookie: cookieOf(res, "session") } });
    const body = (await me.json()) as { id: string };
    expect(body.id).not.toBe(victim.id);
  });

  it.each([
    ["a wrong audience", { aud: "someone-else" }],
    ["a wrong issuer", { iss: "https://evil.example.com" }],
    ["a bad signature", { signWithOtherKey: true }],
    ["alg none", { algNone: true }],
    ["an expired token", { expiresIn: -60 }],
    ["a missing nonce", { nonce: null }],
    ["a wrong nonce", { nonce: "not-the-nonce" }],
  ] as [string, Tamper][])(
    "refuses an ID token with %s: redirect with error=invalid_response, no session",
    async (_label, tamper) => {
      const res = await signIn(tamper);
      expect(res.status).toBe(302);
      const location = new URL(res.headers.get("location") ?? "");
      expect(location.searchParams.get("error")).toBe("invalid_response");
      expect(location.searchParams.get("login_code")).toBeNull();
      expect(cookieOf(res, "session")).toBe("");
    },
  );

  it("turns a provider error into a fixed code, never the provider's text", async () => {
    const { state, binding } = await start();
    const res = await finish(state, binding, "error=access_denied&error_description=%3Cscript%3E");
    const location = new URL(res.headers.get("location") ?? "");
    expect(location.searchParams.get("error")).toBe("access_denied");
    expect(location.href).not.toContain("script");
  });

  it("refuses a replayed state with 400 and no redirect", async () => {
    const { state, binding } = await start();
    expect((await finish(state, binding)).status).toBe(302);
    const replay = await finish(state, binding);
    expect(replay.status).toBe(400);
    expect(replay.headers.get("location")).toBeNull();
  });

  it("refuses an unknown state and a state from another browser", async () => {
    expect((await finish("A".repeat(43), "oidc_binding=whatever")).status).toBe(400);
    const { state } = await start();
    const other = await start();
    const res = await finish(state, other.binding);
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ code: "invalid_state" });
    expect((await finish(other.state, "")).status).toBe(400);
  });

  it("refuses to exchange a code after the user was disabled or their sessions were ended", async () => {
    for (const change of ["status = 'DISABLED'", "session_epoch = session_epoch + 1"]) {
      const subject = `exchange-${crypto.randomUUID()}`;
      const { code, verifier } = await signInForCode({ sub: subject });
      await env.DB.prepare(
        `UPDATE users SET ${change} WHERE id = (SELECT user_id FROM identities WHERE subject = ?)`,
      )
        .bind(subject)
        .run();
      const refused = await exchange({ code, code_verifier: verifier });
      expect(refused.status).toBe(400);
      expect(await refused.json()).toMatchObject({ code: "invalid_login_code" });
    }
  });

  it("refuses a disabled user with error=account_disabled", async () => {
    await signIn({ sub: "disabled-subject" });
    await env.DB.prepare(
      "UPDATE users SET status = 'DISABLED' WHERE id = (SELECT user_id FROM identities WHERE subject = 'disabled-subject')",
    ).run();
    const res = await signIn({ sub: "disabled-subject" });
    expect(new URL(res.headers.get("location") ?? "").searchParams.get("error")).toBe("account_disabled");
  });

  it("links a provider identity to the signed-in account only from that account's session", async () => {
    const user = await createSignedInUser();
    idp.tamper = { sub: "linked-subject" };
    const unauthenticated = await start(FRONTEND, { link: "true" });
    expect(unauthenticated.res.status).toBe(401);
    const { location, state, binding } = await startFlow(idp, {
      query: { link: "true" },
      headers: { authorization: `Bearer ${user.token}` },
    });
    // The provider is asked to authenticate the person again, and to say when.
    expect(location.searchParams.get("prompt")).toBe("login");
    expect(location.searchParams.get("max_age")).toBe("300");
    const res = await finish(state, binding);
    expect(landing(res).searchParams.get("linked")).toBe("true");
    const row = await env.DB.prepare(
      "SELECT user_id FROM identities WHERE subject = 'linked-subject'",
    ).first<{ user_id: string }>();
    expect(row?.user_id).toBe(user.id);
  });
});
