import { env } from "cloudflare:workers";
import {
  createLocalJWKSet,
  decodeProtectedHeader,
  generateKeyPair,
  importJWK,
  jwtVerify,
  SignJWT,
} from "jose";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { z } from "zod";
import { createApp } from "../../src/app";
import { DiscoverySchema, JwksSchema } from "../../src/routes/access-tokens/access-tokens.schemas";
import {
  api,
  BASE,
  bodyAt,
  call,
  client,
  createSignedInUser,
  login,
  loginAdmin,
  type RawRequest,
  sessionFrom,
} from "../helpers";
import { storageCounts } from "../performance/server-timing";

/**
 * Access tokens (docs/access-tokens.md): issuance, verification by an outside backend, the
 * storage-free read, the access cookie, key rotation, strict mode, and the revocation bounds.
 */
type Vars = Partial<
  Record<"ACCESS_TOKEN_TTL_SECONDS" | "AUTH_MODE" | "ACCESS_TOKEN_JWKS" | "ACCESS_TOKEN_ISSUER", string>
>;
const app = createApp();
const callWith = (vars: Vars, path: string, options: RawRequest = {}) =>
  call(path, { ...options, worker: (request) => Promise.resolve(app.fetch(request, { ...env, ...vars })) });

async function accessToken(sessionToken: string, vars: Vars = {}): Promise<string> {
  const worker = (request: Request) => Promise.resolve(app.fetch(request, { ...env, ...vars }));
  const body = await bodyAt(await client({ token: sessionToken, worker }).users.token.$post(), 200);
  expect(body.token_type).toBe("Bearer");
  return body.access_token;
}

/** A JSON object of any members: a JWK, the claims of a token. */
const JsonObject = z.record(z.string(), z.unknown());
/** The signing keys of the ACCESS_TOKEN_JWKS secret (a JWK set), for forging tokens with them. */
const configuredKeys = () =>
  z.object({ keys: z.array(JsonObject) }).parse(JSON.parse(env.ACCESS_TOKEN_JWKS)).keys;

/** name=value pairs of the Set-Cookie headers, for sending them back as a browser would. */
const setCookies = (res: { headers: Headers }) => res.headers.getSetCookie();
const cookieHeader = (cookies: string[]) => cookies.map((c) => c.split(";")[0]).join("; ");
const accessCookieOf = (res: { headers: Headers }) => setCookies(res).find((c) => c.startsWith("access="));

let admin: string;
beforeAll(async () => {
  admin = (await loginAdmin()).token; // also runs the once-per-isolate bootstrap check
});
afterEach(() => {
  vi.useRealTimers();
});

describe("POST /users/token", () => {
  it("issues an RFC 9068 access token that any JOSE library verifies against our JWKS", async () => {
    const user = await createSignedInUser();
    const token = await accessToken(user.token);
    expect(decodeProtectedHeader(token)).toEqual({ alg: "ES256", typ: "at+jwt", kid: "dev-2" });

    const metadata = await bodyAt(await api[".well-known"]["openid-configuration"].$get(), 200);
    expect(metadata).toMatchObject({ issuer: BASE, jwks_uri: `${BASE}/.well-known/jwks.json` });
    const jwksRes = await api[".well-known"]["jwks.json"].$get();
    expect(jwksRes.headers.get("cache-control")).toBe("public, max-age=300");
    const jwks = await bodyAt(jwksRes, 200);
    expect(jwks.keys.map((k) => k.kid)).toEqual(["dev-2", "dev-1"]);
    for (const key of jwks.keys) expect(key).not.toHaveProperty("d");

    // What a backend does (README, "Verify our access tokens").
    const { payload, protectedHeader } = await jwtVerify(token, createLocalJWKSet(jwks), {
      issuer: metadata.issuer,
      audience: metadata.issuer,
      typ: "at+jwt",
      algorithms: ["ES256"],
    });
    expect(protectedHeader.typ).toBe("at+jwt");
    expect(payload).toMatchObject({
      iss: BASE,
      aud: BASE,
      sub: user.id,
      client_id: "edge-users",
      role: "user",
      group: { id: "ungrouped", name: "ungrouped" },
      epoch: 0,
      preferred_username: user.username,
    });
    expect(payload.exp).toBe(Number(payload.iat) + 60);
    expect(payload.jti).toMatch(/^[0-9a-f-]{36}$/);
    expect(payload.sid).toMatch(/^[0-9a-f]{64}$/);
  });

  it("answers 503 access_tokens_not_configured without keys, while sessions keep working", async () => {
    const user = await createSignedInUser();
    const res = await callWith({ ACCESS_TOKEN_JWKS: "" }, "/users/token", {
      token: user.token,
      method: "POST",
    });
    expect(res.status).toBe(503);
    expect(await res.json()).toMatchObject({ code: "access_tokens_not_configured" });
    expect((await callWith({ ACCESS_TOKEN_JWKS: "" }, "/.well-known/jwks.json")).status).toBe(503);
    expect((await callWith({ ACCESS_TOKEN_JWKS: "" }, "/users/me", { token: user.token })).status).toBe(200);
  });

  it("requires a session", async () => {
    expect((await call("/users/token", { method: "POST" })).status).toBe(401);
  });
});

describe("the issuer metadata and JWKS at the origin's root", () => {
  const ORIGIN = new URL(BASE).origin;

  it("are the same documents as under /api/v1", async () => {
    for (const path of ["/.well-known/jwks.json", "/.well-known/openid-configuration"]) {
      const root = await call(`${ORIGIN}${path}`);
      expect(root.status).toBe(200);
      expect(root.headers.get("cache-control")).toBe("public, max-age=300");
      expect(await root.json()).toEqual(await (await call(path)).json());
    }
  });

  it("serve a bare-origin issuer: discovery at its well-known URL, whose jwks_uri verifies its tokens", async () => {
    const vars = { ACCESS_TOKEN_ISSUER: ORIGIN };
    const user = await createSignedInUser();
    const token = await accessToken(user.token, vars);
    const metadata = DiscoverySchema.parse(
      await (await callWith(vars, `${ORIGIN}/.well-known/openid-configuration`)).json(),
    );
    expect(metadata).toEqual({
      issuer: ORIGIN,
      jwks_uri: `${ORIGIN}/.well-known/jwks.json`,
      subject_types_supported: ["public"],
    });
    const jwksRes = await callWith(vars, metadata.jwks_uri);
    expect(jwksRes.status).toBe(200);
    const jwks = JwksSchema.parse(await jwksRes.json());
    const { payload } = await jwtVerify(token, createLocalJWKSet(jwks), {
      issuer: ORIGIN,
      audience: ORIGIN,
      typ: "at+jwt",
    });
    expect(payload.sub).toBe(user.id);
  });
});

describe("GET /users/me with an access token", () => {
  it("is answered from the token with no storage round trip at all", async () => {
    const user = await createSignedInUser();
    const token = await accessToken(user.token);
    const fromToken = await call("/users/me", { token: token });
    expect(fromToken.status).toBe(200);
    expect(storageCounts(fromToken)).toMatchObject({ d1: 0, kvRead: 0, kvWrite: 0 });
    const fromD1 = await call("/users/me", { token: user.token });
    expect(await fromToken.json()).toEqual(await fromD1.json());
  });

  it("accepts a token signed with the previous key (rotation signs nobody out)", async () => {
    const user = await createSignedInUser();
    const genuine = await jwtVerify(await accessToken(user.token), createLocalJWKSet(await jwksOf()));
    const previous = configuredKeys().find((k) => k.kid === "dev-1");
    if (!previous) throw new Error("no dev-1 key");
    const token = await new SignJWT(genuine.payload)
      .setProtectedHeader({ alg: "ES256", typ: "at+jwt", kid: "dev-1" })
      .sign(await importJWK(previous, "ES256"));
    const res = await call("/users/me", { token: token });
    expect(res.status).toBe(200);
    expect(storageCounts(res).d1).toBe(0);
  });

  it("refuses tampered, foreign, wrongly typed and expired tokens", async () => {
    const user = await createSignedInUser();
    const token = await accessToken(user.token);
    const [header, payload, signature] = token.split(".");
    const claims = JsonObject.parse(JSON.parse(atob((payload ?? "").replace(/-/g, "+").replace(/_/g, "/"))));
    const forged = btoa(JSON.stringify({ ...claims, role: "admin" }))
      .replace(/=+$/, "")
      .replace(/\+/g, "-")
      .replace(/\//g, "_");
    const foreignKey = await generateKeyPair("ES256");
    const sign = (typ: string, exp: number, kid = "dev-2") =>
      new SignJWT({ ...claims, exp })
        .setProtectedHeader({ alg: "ES256", typ, kid })
        .sign(foreignKey.privateKey);
    const ownKey = await importJWK(configuredKeys()[0] ?? {}, "ES256");
    const signOwn = (typ: string, exp: number) =>
      new SignJWT({ ...claims, exp }).setProtectedHeader({ alg: "ES256", typ, kid: "dev-2" }).sign(ownKey);
    const now = Math.floor(Date.now() / 1000);
    const refused = [
      `${header}.${forged}.${signature}`,
      await sign("at+jwt", now + 60),
      await signOwn("JWT", now + 60),
      await signOwn("at+jwt", now - 1),
      `eyJhbGciOiJub25lIiwidHlwIjoiYXQrand0In0.${payload}.`,
    ];
    for (const bad of refused) expect((await call("/users/me", { token: bad })).status).toBe(401);
  });
});

const jwksOf = async () => bodyAt(await api[".well-known"]["jwks.json"].$get(), 200);

describe("the access cookie", () => {
  it("is set at sign-in; a read with it needs no storage; without it the session is checked and a fresh one set", async () => {
    const user = await createSignedInUser();
    const res = await login(user.username, user.password);
    const access = accessCookieOf(res);
    expect(access).toMatch(/^access=[\w-]+\.[\w-]+\.[\w-]+; Max-Age=60; Path=\/; HttpOnly; SameSite=Lax$/);
    const cookies = cookieHeader(setCookies(res));

    const fast = await call("/users/me", { headers: { cookie: cookies } });
    expect(fast.status).toBe(200);
    expect(storageCounts(fast)).toMatchObject({ d1: 0, kvRead: 0 });
    expect(accessCookieOf(fast)).toBeUndefined();

    const sessionOnly = cookieHeader(setCookies(res).filter((c) => c.startsWith("session=")));
    const strict = await call("/users/me", { headers: { cookie: sessionOnly } });
    expect(strict.status).toBe(200);
    expect(storageCounts(strict)).toMatchObject({ d1: 1, kvRead: 1 });
    expect(accessCookieOf(strict)).toMatch(/^access=/);
  });

  it("is __Host- prefixed and Secure over https", async () => {
    const user = await createSignedInUser();
    const res = await app.request(
      "https://users.example.com/api/v1/users/login/local",
      {
        method: "POST",
        body: JSON.stringify({ username: user.username, password: user.password }),
        headers: {
          "content-type": "application/json",
          "cf-connecting-ip": "198.18.0.9",
          origin: "https://users.example.com",
        },
      },
      env,
    );
    expect(res.headers.getSetCookie().find((c) => c.startsWith("__Host-access="))).toMatch(/; Secure/);
  });

  it("is dropped by a write (the next read refreshes it) and by logout", async () => {
    const user = await createSignedInUser();
    const res = await login(user.username, user.password);
    const cookies = cookieHeader(setCookies(res));
    const write = await call("/users/me/profile", {
      ...{ method: "PUT", json: { display_name: "Renamed" } },
      // A same-origin browser: its cookie-authenticated writes carry the Origin (the CSRF check).
      headers: { "content-type": "application/json", cookie: cookies, origin: "http://localhost:8787" },
    });
    expect(write.status).toBe(200);
    expect(accessCookieOf(write)).toMatch(/^access=; Max-Age=0/);
    const out = await call("/users/logout", {
      method: "POST",
      headers: { cookie: cookies, origin: "http://localhost:8787" },
    });
    expect(accessCookieOf(out)).toMatch(/^access=; Max-Age=0/);
  });

  it("is not set in strict mode or without keys", async () => {
    const user = await createSignedInUser();
    for (const vars of [{ AUTH_MODE: "strict" }, { ACCESS_TOKEN_JWKS: "" }]) {
      const res = await callWith(vars, "/users/login/local", {
        method: "POST",
        json: { username: user.username, password: user.password },
        headers: {
          "cf-connecting-ip": "198.18.0.10",
        },
      });
      expect(res.status).toBe(200);
      expect(accessCookieOf(res)).toBeUndefined();
    }
  });
});

/**
 * Every revocation takes effect at once on writes and administrative routes, and on reads served
 * from an access token within its lifetime (here ACCESS_TOKEN_TTL_SECONDS=10); AUTH_MODE=strict
 * has no such window.
 */
describe("revocation bounds", () => {
  const short = { ACCESS_TOKEN_TTL_SECONDS: "10" };
  const adminCall = (method: string, path: string, body?: unknown) =>
    call(
      `/users/admin/users/${path}`,
      body === undefined ? { token: admin, method } : { method: method, json: body, token: admin },
    );
  const revocations: Record<string, (uid: string) => Promise<Response>> = {
    disable: (uid) => adminCall("PUT", `${uid}/status`, { status: "DISABLED" }),
    lock: (uid) => adminCall("PUT", `${uid}/status`, { status: "LOCKED" }),
    delete: (uid) => adminCall("DELETE", uid),
    "end sessions": (uid) => adminCall("DELETE", `${uid}/sessions`),
    "password reset": (uid) =>
      adminCall("POST", `${uid}/reset-password`, {
        new_password: "a brand new password 1",
        require_password_change: true,
      }),
  };

  it.each(Object.keys(revocations))(
    "%s: writes refuse at once, token reads until the token expires",
    async (name) => {
      const user = await createSignedInUser();
      const token = await accessToken(user.token, short);
      const revoke = revocations[name];
      if (!revoke) throw new Error(name);
      expect((await revoke(user.id)).status).toBe(200);

      const write = await callWith(short, "/users/me/profile", {
        method: "PUT",
        json: { bio: "after" },
        token: token,
      });
      expect(write.status).toBe(401);
      expect((await callWith(short, "/users/me/profile", { token: token })).status).toBe(401); // strict read
      expect((await callWith(short, "/users/token", { token: token, method: "POST" })).status).toBe(401);
      expect((await callWith(short, "/users/me", { token: user.token })).status).toBe(401); // the session itself
      expect((await callWith(short, "/users/me", { token: token })).status).toBe(200); // within the bound

      vi.useFakeTimers({ toFake: ["Date"] });
      vi.setSystemTime(Date.now() + 10_001);
      expect((await callWith(short, "/users/me", { token: token })).status).toBe(401); // past the bound
    },
  );

  it("demotion: administrative routes refuse at once; /users/me shows the old role until expiry", async () => {
    const other = await createSignedInUser({ role: "admin" });
    const token = await accessToken(other.token, short);
    expect((await adminCall("PUT", `${other.id}/role`, { role: "user" })).status).toBe(200);
    expect((await callWith(short, "/users/admin/users", { token: token })).status).toBe(403);
    const stale = await callWith(short, "/users/me", { token: token });
    expect(await stale.json()).toMatchObject({ role: "admin" });
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(Date.now() + 10_001);
    const fresh = await callWith(short, "/users/me", { token: other.token });
    expect(await fresh.json()).toMatchObject({ role: "user" });
    expect((await callWith(short, "/users/me", { token: token })).status).toBe(401);
  });

  it("AUTH_MODE=strict: reads check D1 too, so a revocation holds at once", async () => {
    const strict = { ...short, AUTH_MODE: "strict" };
    const user = await createSignedInUser();
    const token = await accessToken(user.token, strict);
    const before = await callWith(strict, "/users/me", { token: token });
    expect(before.status).toBe(200);
    expect(storageCounts(before)).toMatchObject({ d1: 1, kvRead: 1 });
    expect((await revocations.disable?.(user.id))?.status).toBe(200);
    expect((await callWith(strict, "/users/me", { token: token })).status).toBe(401);
  });

  it("a password change in another session ends this one's writes at once", async () => {
    const user = await createSignedInUser();
    const token = await accessToken(user.token, short);
    const body = await sessionFrom(await login(user.username, user.password));
    const change = await call("/users/password", {
      method: "PUT",
      json: { current_password: user.password, new_password: "another good password 2" },
      token: body.token,
    });
    expect(change.status).toBe(200);
    expect(
      (await callWith(short, "/users/me/profile", { method: "PUT", json: { bio: "x" }, token: token }))
        .status,
    ).toBe(401);
    expect((await callWith(short, "/users/me", { token: token })).status).toBe(200);
  });
});
