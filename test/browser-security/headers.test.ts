import { exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { call, createSignedInUser, createUser, randomIp } from "../helpers";

const https = (path: string, init: RequestInit = {}) =>
  exports.default.fetch(new Request(`https://users.example.com/api/v1${path}`, init));

describe("security headers on every response", () => {
  it("nosniff, no-referrer, no-store and a CSP on JSON answers, errors and preflights included", async () => {
    const { token } = await createSignedInUser();
    const answers = [
      await call("/health"),
      await call("/users/me"),
      await call("/users/me", { token: token }),
      await call("/nope"),
      await call("/users/me", {
        method: "OPTIONS",
        headers: { origin: "http://localhost:5173", "access-control-request-method": "GET" },
      }),
    ];
    for (const res of answers) {
      expect(res.headers.get("x-content-type-options")).toBe("nosniff");
      expect(res.headers.get("referrer-policy")).toBe("no-referrer");
      expect(res.headers.get("cache-control")).toMatch(/\bno-store\b/);
      expect(res.headers.get("content-security-policy")).toMatch(/frame-ancestors 'none'/);
      expect(res.headers.get("strict-transport-security")).toBeNull(); // plain http
    }
  });

  it("keeps a route's own Cache-Control when it stores nothing either", async () => {
    const { token } = await createSignedInUser();
    const res = await call("/users/me/config", { token: token });
    expect(res.headers.get("cache-control")).toBe("private, no-store");
  });

  it("HSTS over https only", async () => {
    const res = await https("/health");
    expect(res.headers.get("strict-transport-security")).toMatch(/max-age=\d{7,}/);
  });

  it("a strict CSP on HTML: no inline script, never framed", async () => {
    const res = await call("/docs");
    expect(res.headers.get("content-type")).toMatch(/^text\/html/);
    const csp = res.headers.get("content-security-policy") ?? "";
    expect(csp).toMatch(/frame-ancestors 'none'/);
    expect(csp).toMatch(/script-src 'self'(;|$)/);
    expect(csp).not.toMatch(/unsafe-inline|unsafe-eval|\*/);
  });
});

describe("the session cookie over https", () => {
  async function signInOverHttps() {
    const user = await createUser();
    const res = await https("/users/login/local", {
      method: "POST",
      headers: { "content-type": "application/json", "cf-connecting-ip": randomIp() },
      body: JSON.stringify({ username: user.username, password: user.password }),
    });
    const cookie = (res.headers.get("set-cookie") ?? "").split(";")[0] ?? "";
    expect(cookie).toMatch(/^__Host-session=/);
    return cookie.slice("__Host-session=".length);
  }

  it("is accepted only under the __Host- name; an unprefixed `session` (planted by a sibling) is not", async () => {
    const token = await signInOverHttps();
    expect((await https("/users/me", { headers: { cookie: `__Host-session=${token}` } })).status).toBe(200);
    expect((await https("/users/me", { headers: { cookie: `session=${token}` } })).status).toBe(401);
  });

  it("logout clears both names of the session cookie (and of the access cookie)", async () => {
    const token = await signInOverHttps();
    const res = await https("/users/logout", {
      method: "POST",
      headers: { cookie: `__Host-session=${token}; session=${token}`, origin: "https://users.example.com" },
    });
    expect(res.status).toBe(200);
    const cleared = res.headers.getSetCookie().filter((line) => /Max-Age=0/i.test(line));
    expect(cleared.map((line) => line.split("=")[0]).sort()).toEqual([
      "__Host-access",
      "__Host-session",
      "access",
      "session",
    ]);
    expect(cleared.every((line) => /Path=\//.test(line) && /Secure/i.test(line))).toBe(true);
  });
});
