import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { createApp } from "../../src/app";
import { BASE, call, createSignedInUser } from "../helpers";

const FRONTEND = "http://localhost:5173"; // in FRONTEND_ORIGINS (wrangler.toml)
const EVIL = "https://evil.example.net";

const preflight = (origin: string, method = "PUT", headers = "authorization, content-type, if-match") =>
  call("/users/me/config", {
    method: "OPTIONS",
    headers: { origin, "access-control-request-method": method, "access-control-request-headers": headers },
  });

describe("CORS preflight", () => {
  it("answers an allowed origin with 204, credentials, the API's methods and headers, and a max age", async () => {
    const res = await preflight(FRONTEND);
    expect(res.status).toBe(204);
    expect(res.headers.get("access-control-allow-origin")).toBe(FRONTEND);
    expect(res.headers.get("access-control-allow-credentials")).toBe("true");
    const methods = (res.headers.get("access-control-allow-methods") ?? "").split(/,\s*/);
    expect(methods).toEqual(expect.arrayContaining(["GET", "POST", "PUT", "PATCH", "DELETE"]));
    const headers = (res.headers.get("access-control-allow-headers") ?? "").toLowerCase().split(/,\s*/);
    expect(headers).toEqual(
      expect.arrayContaining(["authorization", "content-type", "if-match", "x-d1-bookmark"]),
    );
    expect(Number(res.headers.get("access-control-max-age"))).toBeGreaterThan(0);
    expect(res.headers.get("vary")).toMatch(/\bOrigin\b/);
  });

  it("gives any other origin no CORS headers", async () => {
    for (const origin of [EVIL, "null", "http://localhost:5174", "http://localhost:5173.evil.example.net"]) {
      const res = await preflight(origin);
      expect(res.status).toBe(403);
      expect(res.headers.get("access-control-allow-origin")).toBeNull();
      expect(res.headers.get("access-control-allow-credentials")).toBeNull();
      expect(res.headers.get("vary")).toMatch(/\bOrigin\b/);
    }
  });

  it("never reaches a handler, D1 or KV, allowed or not", async () => {
    const touched: string[] = [];
    const trap = <T extends object>(name: string, target: T): T =>
      new Proxy(target, {
        get(t, prop, receiver) {
          touched.push(`${name}.${String(prop)}`);
          return Reflect.get(t, prop, receiver);
        },
      });
    const trapped: Env = { ...env, DB: trap("DB", env.DB), KV: trap("KV", env.KV) };
    const app = createApp();
    for (const origin of [FRONTEND, EVIL]) {
      const req = new Request(`${BASE}/users/me/config/import`, {
        method: "OPTIONS",
        headers: { origin, "access-control-request-method": "POST" },
      });
      const res = await app.fetch(req, trapped);
      expect([204, 403]).toContain(res.status);
    }
    expect(touched).toEqual([]);
    // The trap works: an ordinary request does touch storage.
    await app.fetch(new Request(`${BASE}/users/me`), trapped);
    expect(touched.length).toBeGreaterThan(0);
  });
});

describe("CORS on actual requests", () => {
  it("lets an allowed origin read answers, errors included, and see the headers it needs", async () => {
    const { token } = await createSignedInUser();
    for (const res of [
      await call("/users/me/config", { token: token, headers: { origin: FRONTEND } }),
      await call("/users/me", { headers: { origin: FRONTEND } }),
    ]) {
      expect(res.headers.get("access-control-allow-origin")).toBe(FRONTEND);
      expect(res.headers.get("access-control-allow-credentials")).toBe("true");
      const exposed = (res.headers.get("access-control-expose-headers") ?? "").toLowerCase().split(/,\s*/);
      expect(exposed).toEqual(
        expect.arrayContaining(["etag", "server-timing", "x-request-id", "x-d1-bookmark", "retry-after"]),
      );
      expect(res.headers.get("vary")).toMatch(/\bOrigin\b/);
    }
  });

  it("gives another origin nothing to read", async () => {
    const { token } = await createSignedInUser();
    const res = await call("/users/me", { token: token, headers: { origin: EVIL } });
    expect(res.headers.get("access-control-allow-origin")).toBeNull();
    expect(res.headers.get("access-control-expose-headers")).toBeNull();
    expect(res.headers.get("vary")).toMatch(/\bOrigin\b/);
  });
});
