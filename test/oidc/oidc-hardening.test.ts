import { env } from "cloudflare:workers";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { addressKey } from "../../src/core/client-address";
import { call, createSignedInUser, loginAdmin } from "../helpers";
import { readUser } from "../seed";
import { startFakeIdp } from "./fake-idp";
import { cookieOf, finishFlow, landing, startFlow } from "./flow";

/** Issue #10, finding 7, the OIDC items: binding cookie, future `iat`, throttle, display names. */
let idp: Awaited<ReturnType<typeof startFakeIdp>>;
beforeEach(async () => {
  idp = await startFakeIdp();
});
afterEach(() => {
  vi.restoreAllMocks();
});

const HTTPS = "https://edge.example.com";

describe("the OIDC binding cookie", () => {
  it("is __Host-oidc_binding (Secure, Path=/, HttpOnly) on https, and a plain oidc_binding there counts for nothing", async () => {
    const { res, state, binding } = await startFlow(idp, { origin: HTTPS });
    const line = res.headers.getSetCookie().find((c) => c.startsWith("__Host-oidc_binding=")) ?? "";
    expect(line).toMatch(/; Secure/);
    expect(line).toMatch(/; Path=\/(;|$)/);
    expect(line).toMatch(/; HttpOnly/);
    expect(line).not.toMatch(/Domain=/);
    const planted = binding.replace("__Host-oidc_binding=", "oidc_binding=");
    expect((await finishFlow(state, planted, "code=c", HTTPS)).status).toBe(400);
  });

  it("completes sign-in on https with the __Host- cookie", async () => {
    const { state, binding } = await startFlow(idp, { origin: HTTPS });
    const res = await finishFlow(state, binding, "code=c", HTTPS);
    expect(landing(res).searchParams.get("error")).toBeNull();
    expect(cookieOf(res, "__Host-session")).toMatch(/^__Host-session=/);
  });

  it("keeps the plain name on plain-http localhost", async () => {
    const { binding } = await startFlow(idp);
    expect(binding).toMatch(/^oidc_binding=/);
  });
});

describe("ID token issue time", () => {
  it.each([
    ["an hour in the future", "invalid_response", 3600],
    ["two minutes in the future", "invalid_response", 120],
    ["30 s in the future (within the 60 s skew)", null, 30],
  ])("treats an ID token issued %s: error=%s", async (_label, error, iatOffset) => {
    idp.tamper = { iatOffset, sub: `iat-${iatOffset}` };
    const { state, binding } = await startFlow(idp);
    const res = await finishFlow(state, binding);
    expect(landing(res).searchParams.get("error")).toBe(error);
  });
});

describe("throttling anonymous sign-in starts", () => {
  const startFrom = (ip: string) => call("/users/login", { headers: { "cf-connecting-ip": ip } });

  it("answers 429 rate_limited past 20 starts a minute from one address, before writing state", async () => {
    const ip = `203.0.113.${Math.floor(Math.random() * 250) + 1}`;
    for (let i = 0; i < 20; i++) expect((await startFrom(ip)).status).toBe(302);
    const { keys: before } = await env.KV.list({ prefix: "oidc-state:" });
    const refused = await startFrom(ip);
    expect(refused.status).toBe(429);
    expect(refused.headers.get("retry-after")).toBe("60");
    expect(await refused.json()).toMatchObject({ code: "rate_limited" });
    const { keys: after } = await env.KV.list({ prefix: "oidc-state:" });
    expect(after.length).toBe(before.length);
    expect((await startFrom("203.0.113.254")).status).toBe(302);
  });

  it("counts an IPv6 client by its /64", async () => {
    const prefix = `2001:db8:${Math.floor(Math.random() * 0xffff).toString(16)}:1`;
    for (let i = 0; i < 20; i++)
      expect((await startFrom(`${prefix}::${(i + 1).toString(16)}`)).status).toBe(302);
    expect((await startFrom(`${prefix}:ffff:ffff:ffff:ffff`)).status).toBe(429);
  });

  it.each([
    ["198.51.100.7", "198.51.100.7"],
    ["2001:db8:1:2:3:4:5:6", "2001:db8:1:2::/64"],
    ["2001:0DB8:0001:0002::9", "2001:db8:1:2::/64"],
    ["::1", "0:0:0:0::/64"],
    ["not an address", "not an address"],
  ])("keys %s as %s", (ip, key) => {
    expect(addressKey(ip)).toBe(key);
  });
});

describe("display names without control, bidi-override and zero-width characters", () => {
  const NASTY = "Ali\u0000ce\u202E\u200Bgnp.exe\u2066";

  it("strips them from the provider's name claim", async () => {
    idp.tamper = { sub: `nasty-${crypto.randomUUID()}`, name: NASTY };
    const { state, binding } = await startFlow(idp);
    const cookie = cookieOf(await finishFlow(state, binding), "session");
    const me = await call("/users/me", { headers: { cookie } });
    expect(await me.json()).toMatchObject({ display_name: "Alicegnp.exe" });
  });

  it.each(["Mallory\u202Egpj.exe", "Bob\u0000", "Eve\u200B", "Zoë\u2067"])(
    "refuses %j in a profile update and an administrator's edit with 422, changing nothing",
    async (name) => {
      const user = await createSignedInUser();
      const own = await call("/users/me/profile", {
        method: "PUT",
        json: { display_name: name },
        token: user.token,
      });
      expect(own.status).toBe(422);
      const admin = await loginAdmin();
      const edit = await call(`/users/admin/users/${user.id}`, {
        method: "PATCH",
        json: { display_name: name },
        token: admin.token,
      });
      expect(edit.status).toBe(422);
      expect((await readUser(user.id))?.displayName).toBeNull();
    },
  );

  it("keeps ordinary names, accents and emoji", async () => {
    const user = await createSignedInUser();
    const res = await call("/users/me/profile", {
      method: "PUT",
      json: { display_name: "Zoë 🦊 O'Brien" },
      token: user.token,
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ display_name: "Zoë 🦊 O'Brien" });
  });
});
