import { describe, expect, it } from "vitest";
import { call, createSignedInUser, createUser, login, randomIp } from "../helpers";

/** Sign in and return the plain-http session cookie (`session=…`) the browser would hold. */
async function cookieSession() {
  const user = await createSignedInUser();
  const res = await login(user.username, user.password);
  const cookie = (res.headers.get("set-cookie") ?? "").split(";")[0] ?? "";
  expect(cookie).toMatch(/^session=/);
  return { ...user, cookie };
}

const EVIL = "https://evil.example.net";
const FRONTEND = "http://localhost:5173"; // in FRONTEND_ORIGINS (wrangler.toml)
const SELF = "http://localhost:8787";

const stillSignedIn = async (cookie: string) => (await call("/users/me", { headers: { cookie } })).status;

describe("cross-site writes with the session cookie (CSRF)", () => {
  it.each([
    ["a form post to logout", "/users/logout", "POST", "application/x-www-form-urlencoded", "a=1"],
    ["a text/plain profile write", "/users/me/profile", "PUT", "text/plain", '{"bio":"pwned"}'],
    [
      "a multipart YAML import",
      "/users/me/config/import",
      "POST",
      "multipart/form-data; boundary=x",
      "--x--",
    ],
    ["a re-encryption", "/users/admin/encryption/reencrypt", "POST", "text/plain", ""],
  ])("refuses %s from another origin, before anything happens", async (_, path, method, type, body) => {
    const { cookie } = await cookieSession();
    const res = await call(path, { method, headers: { cookie, origin: EVIL, "content-type": type }, body });
    expect(res.status).toBe(403);
    expect(await res.json()).toMatchObject({ code: "cross_site_request" });
    expect(res.headers.get("access-control-allow-origin")).toBeNull();
    expect(await stillSignedIn(cookie)).toBe(200);
  });

  it.each([
    ["Origin: null (sandboxed frame, data: URL)", { origin: "null" }],
    ["no Origin, Sec-Fetch-Site: cross-site", { "sec-fetch-site": "cross-site" }],
    ["no Origin, Sec-Fetch-Site: same-site (a sibling subdomain)", { "sec-fetch-site": "same-site" }],
    ["neither header (an old browser, or a script replaying a cookie)", {}],
    ["a look-alike origin", { origin: "http://localhost:8787.evil.example.net" }],
    ["an origin with a path", { origin: "http://localhost:5173/x" }],
  ])("refuses a cookie-authenticated logout with %s", async (_, headers: Record<string, string>) => {
    const { cookie } = await cookieSession();
    const res = await call("/users/logout", { method: "POST", headers: { cookie, ...headers } });
    expect(res.status).toBe(403);
    expect(await stillSignedIn(cookie)).toBe(200);
  });

  it.each([
    ["its own origin", { origin: SELF }],
    ["a FRONTEND_ORIGINS origin", { origin: FRONTEND }],
    ["no Origin but Sec-Fetch-Site: same-origin", { "sec-fetch-site": "same-origin" }],
  ])("accepts a cookie-authenticated logout from %s", async (_, headers: Record<string, string>) => {
    const { cookie } = await cookieSession();
    const res = await call("/users/logout", { method: "POST", headers: { cookie, ...headers } });
    expect(res.status).toBe(200);
    expect(await stillSignedIn(cookie)).toBe(401);
  });

  it("lets a Bearer request through from any origin: browsers never attach the header themselves", async () => {
    const { token } = await createSignedInUser();
    const res = await call("/users/me/profile", {
      method: "PUT",
      headers: { authorization: `Bearer ${token}`, origin: EVIL, "content-type": "application/json" },
      body: JSON.stringify({ bio: "from a script with the token" }),
    });
    expect(res.status).toBe(200);
  });

  it("leaves safe methods alone (SameSite=Lax and CORS cover reads)", async () => {
    const { cookie } = await cookieSession();
    expect((await call("/users/me", { headers: { cookie, origin: EVIL } })).status).toBe(200);
  });
});

describe("login CSRF: the sign-in endpoints that set the cookie", () => {
  const signIn = async (headers: Record<string, string>, type = "application/json") => {
    const user = await createUser();
    return call("/users/login/local", {
      method: "POST",
      headers: { "content-type": type, "cf-connecting-ip": randomIp(), ...headers },
      body: JSON.stringify({ username: user.username, password: user.password }),
    });
  };

  it("refuses a sign-in posted from another origin, setting no cookie", async () => {
    const res = await signIn({ origin: EVIL });
    expect(res.status).toBe(403);
    expect(await res.json()).toMatchObject({ code: "cross_site_request" });
    expect(res.headers.get("set-cookie")).toBeNull();
    expect((await signIn({ "sec-fetch-site": "cross-site" })).status).toBe(403);
  });

  it("accepts a sign-in from the frontend, the Worker's own pages, and clients without a browser", async () => {
    expect((await signIn({ origin: FRONTEND })).status).toBe(200);
    expect((await signIn({ origin: SELF })).status).toBe(200);
    expect((await signIn({})).status).toBe(200); // curl, server-side clients
  });

  it("refuses a one-time code exchange from another origin", async () => {
    const res = await call("/users/login/exchange", {
      method: "POST",
      headers: { "content-type": "application/json", origin: EVIL },
      body: JSON.stringify({ code: "x".repeat(43) }),
    });
    expect(res.status).toBe(403);
  });
});
