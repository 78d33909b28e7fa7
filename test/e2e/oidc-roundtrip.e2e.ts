import { Buffer } from "node:buffer";
import { tmpdir } from "node:os";
import path from "node:path";
import { chromium } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startOidcProvider } from "../../scripts/oidc-provider-server.mjs";
import { CookieJar, follow, request } from "./oidc-driver";
import { freePort, type RunningWorker, startWorker } from "./worker-process";

const FRONTEND = "http://localhost:5173/signed-in";
let worker: RunningWorker;
let provider: { close: () => Promise<unknown> };

beforeAll(async () => {
  const providerPort = await freePort();
  // The provider must know the Worker's exact redirect URI, so the Worker starts first.
  const issuer = `http://localhost:${providerPort}`;
  const workerPort = await freePort();
  worker = await startWorker(
    {
      OIDC_ISSUER: issuer,
      OIDC_CLIENT_ID: "edge-users-e2e",
      OIDC_CLIENT_SECRET: "e2e-client-secret",
      FRONTEND_ORIGINS: "http://localhost:5173",
      FRONTEND_DEFAULT_URI: `http://localhost:${workerPort}/api/v1/users/me`,
    },
    workerPort,
  );
  provider = await startOidcProvider({
    port: providerPort,
    clientId: "edge-users-e2e",
    clientSecret: "e2e-client-secret",
    redirectUris: [`${worker.url}/api/v1/users/login/callback`],
  });
});

afterAll(async () => {
  await worker?.stop();
  await provider?.close();
});

/** A frontend's PKCE pair (RFC 7636 S256): binds the one-time login code to it. */
async function pkcePair() {
  const verifier = Buffer.from(crypto.getRandomValues(new Uint8Array(32))).toString("base64url");
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(verifier));
  return { verifier, challenge: Buffer.from(digest).toString("base64url") };
}

async function signInAs(user: string, codeChallenge?: string) {
  process.env.E2E_OIDC_USER = user;
  const jar = new CookieJar();
  const query = new URLSearchParams({ frontend_callback_uri: FRONTEND });
  if (codeChallenge) query.set("code_challenge", codeChallenge);
  const start = await request(jar, `${worker.url}/api/v1/users/login?${query}`);
  expect(start.status).toBe(302);
  const landed = await follow(jar, start.headers.get("location") ?? "", "http://localhost:5173/");
  return { jar, landed: new URL(landed) };
}

describe("OIDC round trip against a real provider (oidc-provider) and wrangler dev", () => {
  it("signs alice in through the provider's login and consent, then /users/me shows her", async () => {
    const { jar, landed } = await signInAs("alice");
    expect(landed.origin + landed.pathname).toBe(FRONTEND);
    // No code_challenge: the session cookie only, no one-time code.
    expect(landed.searchParams.get("login_code")).toBeNull();
    const me = await request(jar, `${worker.url}/api/v1/users/me`);
    expect(me.status).toBe(200);
    expect(await me.json()).toMatchObject({
      identity_source: "OIDC",
      email: "alice@example.org",
      display_name: "Alice Example",
      username: expect.stringMatching(/^alice-/),
    });
  });

  it("reuses the same user on a second sign-in of the same subject", async () => {
    const first = await signInAs("alice");
    const second = await signInAs("alice");
    const idOf = async (jar: CookieJar) =>
      ((await (await request(jar, `${worker.url}/api/v1/users/me`)).json()) as { id: string }).id;
    expect(await idOf(second.jar)).toBe(await idOf(first.jar));
    const bob = await signInAs("bob");
    expect(await idOf(bob.jar)).not.toBe(await idOf(first.jar));
  });

  it("gives an other-site frontend a session token for its one-time code and verifier", async () => {
    const { verifier, challenge } = await pkcePair();
    const { jar, landed } = await signInAs("alice", challenge);
    expect(jar.get(worker.url, "session")).toBeUndefined();
    const code = landed.searchParams.get("login_code");
    const exchange = (codeVerifier: string) =>
      fetch(`${worker.url}/api/v1/users/login/exchange`, {
        method: "POST",
        headers: { "content-type": "application/json", origin: "http://localhost:5173" },
        body: JSON.stringify({ code, code_verifier: codeVerifier }),
      });
    const res = await exchange(verifier);
    expect(res.status).toBe(200);
    const { token } = (await res.json()) as { token: string };
    const me = await fetch(`${worker.url}/api/v1/users/me`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(await me.json()).toMatchObject({ email: "alice@example.org" });
  });
});

describe("in a real browser (Chromium via playwright-core)", () => {
  it("signs in through the provider's pages and lands signed in, cookies and all", async () => {
    const browser = await chromium.launch({
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--no-first-run",
      ],
    });
    try {
      const page = await browser.newPage();
      // No frontend_callback_uri: the flow returns to FRONTEND_DEFAULT_URI, here /users/me.
      await page.goto(`${worker.url}/api/v1/users/login`);
      await page.fill('input[name="login"]', "bob");
      await page.fill('input[name="password"]', "any password");
      await page.click('button[type="submit"]');
      await page.click('button[type="submit"]'); // consent
      await page.waitForURL(`${worker.url}/api/v1/users/me**`);
      const body = JSON.parse((await page.textContent("body")) ?? "{}");
      expect(body).toMatchObject({ email: "bob@example.org", identity_source: "OIDC" });
      const cookies = await page.context().cookies(worker.url);
      expect(cookies.find((c) => c.name === "session")).toMatchObject({ httpOnly: true, sameSite: "Lax" });
      expect(cookies.find((c) => c.name === "oidc_binding")).toBeUndefined();
      await page.screenshot({ path: path.join(tmpdir(), "edge-users-browser-signin.png") });
    } finally {
      await browser.close();
    }
  });
});

describe("the Worker as wrangler bundles it (zod aliased to shims/zod.ts)", () => {
  it("answers validation failures with zod's English messages", async () => {
    const post = (body: unknown) =>
      fetch(`${worker.url}/api/v1/users/login/local`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(body),
      });
    // Expected messages produced by the unaliased zod package in Node for the same schema.
    const wrongTypes = await post({ username: 1, password: ["y"] });
    expect(wrongTypes.status).toBe(422);
    expect(await wrongTypes.json()).toEqual({
      detail: [
        {
          loc: ["body", "username"],
          msg: "Invalid input: expected string, received number",
          type: "invalid_type",
        },
        {
          loc: ["body", "password"],
          msg: "Invalid input: expected string, received array",
          type: "invalid_type",
        },
      ],
    });
    const tooShort = await post({ username: "", password: "y", admin: true });
    expect(tooShort.status).toBe(422);
    expect(await tooShort.json()).toEqual({
      detail: [
        {
          loc: ["body", "username"],
          msg: "Too small: expected string to have >=1 characters",
          type: "too_small",
        },
        { loc: ["body"], msg: 'Unrecognized key: "admin"', type: "unrecognized_keys" },
      ],
    });
  });
});
