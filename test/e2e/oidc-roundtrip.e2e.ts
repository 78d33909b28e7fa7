import { tmpdir } from "node:os";
import path from "node:path";
import { hc } from "hono/client";
import type { Browser, BrowserContext } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startOidcProvider } from "../../scripts/oidc-provider-server.mjs";
import type { AppType } from "../../src/app";
import { OidcBrowser, pkcePair, throughProviderPages } from "../oidc-driver";
import { bodyAt } from "../typed-response";
import { launchChromium } from "./chromium";
import { type StaticSite, startStaticSite } from "./frontend-server";
import { freePort, type RunningWorker, startWorker } from "./worker-process";

const FRONTEND = "http://localhost:5173/signed-in";
let worker: RunningWorker;
let provider: { close: () => Promise<unknown> };
/** A frontend on another origin (another port), listed in FRONTEND_ORIGINS, served for real. */
let frontend: StaticSite;

beforeAll(async () => {
  frontend = await startStaticSite(await freePort());
  const providerPort = await freePort();
  // The provider must know the Worker's exact redirect URI, so the Worker starts first.
  const issuer = `http://localhost:${providerPort}`;
  const workerPort = await freePort();
  worker = await startWorker(
    {
      OIDC_ISSUER: issuer,
      OIDC_CLIENT_ID: "edge-users-e2e",
      OIDC_CLIENT_SECRET: "e2e-client-secret",
      FRONTEND_ORIGINS: `http://localhost:5173,${frontend.origin}`,
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
  await frontend?.close();
});

/** The API as a typed client, over the network to wrangler dev, sending `headers`. */
const apiAt = (headers: Record<string, string> = {}) => hc<AppType>(`${worker.url}/api/v1`, { headers });

/** Signs in through the provider's login and consent pages, with plain fetch and a cookie jar. */
async function signInAs(user: string, codeChallenge?: string) {
  const browser = new OidcBrowser(`${worker.url}/api/v1`, (request) => fetch(request));
  const query = {
    frontend_callback_uri: FRONTEND,
    ...(codeChallenge ? { code_challenge: codeChallenge } : {}),
  };
  const { landed } = await browser.signIn(throughProviderPages(user), query);
  if (!landed) throw new Error("the callback did not redirect to the frontend");
  const me = () => apiAt({ cookie: browser.jar.header(worker.url) }).users.me.$get();
  return { browser, landed, me };
}

describe("OIDC round trip against a real provider (oidc-provider) and wrangler dev", () => {
  it("signs alice in through the provider's login and consent, then /users/me shows her", async () => {
    const { landed, me } = await signInAs("alice");
    expect(landed.origin + landed.pathname).toBe(FRONTEND);
    // No code_challenge: the session cookie only, no one-time code.
    expect(landed.searchParams.get("login_code")).toBeNull();
    const res = await me();
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({
      identity_source: "OIDC",
      email: "alice@example.org",
      display_name: "Alice Example",
      username: expect.stringMatching(/^alice-/),
    });
  });

  it("reuses the same user on a second sign-in of the same subject", async () => {
    const idOf = async ({ me }: Awaited<ReturnType<typeof signInAs>>) => (await bodyAt(await me(), 200)).id;
    const first = await idOf(await signInAs("alice"));
    expect(await idOf(await signInAs("alice"))).toBe(first);
    expect(await idOf(await signInAs("bob"))).not.toBe(first);
  });

  it("gives an other-site frontend a session token for its one-time code", async () => {
    const { verifier, challenge } = await pkcePair();
    const { landed } = await signInAs("alice", challenge);
    const code = landed.searchParams.get("login_code") ?? "";
    const res = await apiAt({ origin: "http://localhost:5173" }).users.login.exchange.$post({
      json: { code, code_verifier: verifier },
    });
    const { token } = await bodyAt(res, 200);
    const me = await apiAt({ authorization: `Bearer ${token}` }).users.me.$get();
    expect(await me.json()).toMatchObject({ email: "alice@example.org" });
  });
});

describe("in a real browser (Chromium via playwright-core)", () => {
  it("signs in through the provider's pages and lands signed in, cookies and all", async () => {
    const browser = await launchChromium();
    try {
      const page = await browser.newPage();
      // No frontend_callback_uri: the flow returns to FRONTEND_DEFAULT_URI, here /users/me.
      await page.goto(`${worker.url}/api/v1/users/login`);
      await page.fill('input[name="login"]', "bob");
      await page.fill('input[name="password"]', "any password");
      await page.click('button[type="submit"]');
      await page.click('button[type="submit"]'); // consent
      await page.waitForURL(`${worker.url}/api/v1/users/me**`);
      const body: unknown = JSON.parse((await page.textContent("body")) ?? "{}");
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

describe("a frontend on another origin, in Chromium: login code and PKCE verifier (issue #11)", () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
  });

  /**
   * The frontend's page makes a PKCE pair (keeping the verifier in its sessionStorage) and offers a
   * sign-in link with the challenge; the browser follows it through the provider's login and
   * consent pages and comes back to the frontend's /callback with a login code.
   */
  async function signInFromFrontend(context: BrowserContext) {
    const page = await context.newPage();
    await page.goto(`${frontend.origin}/`);
    await page.evaluate(`(async () => {
      const base64url = (bytes) =>
        btoa(String.fromCharCode(...bytes)).replace(/=+$/, "").replace(/\\+/g, "-").replace(/\\//g, "_");
      const verifier = base64url(crypto.getRandomValues(new Uint8Array(32)));
      const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(verifier));
      sessionStorage.setItem("pkce", verifier);
      const link = document.createElement("a");
      link.id = "sign-in";
      link.textContent = "Sign in";
      link.href = ${JSON.stringify(`${worker.url}/api/v1/users/login`)} +
        "?frontend_callback_uri=" + encodeURIComponent(location.origin + "/callback") +
        "&code_challenge=" + base64url(new Uint8Array(digest));
      document.body.append(link);
    })()`);
    await page.click("#sign-in");
    await page.fill('input[name="login"]', "alice");
    await page.fill('input[name="password"]', "any password");
    await page.click('button[type="submit"]');
    await page.click('button[type="submit"]'); // consent
    await page.waitForURL(`${frontend.origin}/callback?**`);
    return page;
  }

  /** POST /users/login/exchange from the frontend's page: credentialed, cross-origin, preflighted. */
  const exchangeFunction = () => `async (body) => {
    const res = await fetch(${JSON.stringify(`${worker.url}/api/v1/users/login/exchange`)}, {
      method: "POST",
      credentials: "include",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
    });
    return { status: res.status, body: await res.json() };
  }`;

  it("exchanges the login code with its verifier by a credentialed cross-origin fetch, then reads /users/me through CORS", async () => {
    const context = await browser.newContext();
    const page = await signInFromFrontend(context);
    const landed = new URL(page.url());
    expect(landed.searchParams.get("login_code")).toMatch(/^[A-Za-z0-9_-]{20,}$/);
    // A code, not a cookie: this frontend cannot count on our cookie (another site, in general).
    expect((await context.cookies(worker.url)).find((c) => c.name === "session")).toBeUndefined();

    const result: unknown = await page.evaluate(`(async () => {
      const exchange = ${exchangeFunction()};
      const code = new URL(location.href).searchParams.get("login_code");
      const withoutVerifier = await exchange({ code });
      const exchanged = await exchange({ code, code_verifier: sessionStorage.getItem("pkce") });
      const me = await fetch(${JSON.stringify(`${worker.url}/api/v1/users/me`)}, {
        credentials: "include",
        headers: { authorization: "Bearer " + exchanged.body.token },
      });
      return { withoutVerifier, exchanged: exchanged.status, me: me.status, user: await me.json() };
    })()`);
    expect(result).toMatchObject({
      // The schema requires the verifier: refused before the code is even looked up.
      withoutVerifier: { status: 422 },
      exchanged: 200,
      me: 200,
      user: { email: "alice@example.org", identity_source: "OIDC" },
    });
    await context.close();
  });

  it("refuses the login code with another verifier, and the code is spent for the right one too", async () => {
    const context = await browser.newContext();
    const page = await signInFromFrontend(context);
    const result: unknown = await page.evaluate(`(async () => {
      const exchange = ${exchangeFunction()};
      const code = new URL(location.href).searchParams.get("login_code");
      const wrongVerifier = await exchange({ code, code_verifier: "x".repeat(43) });
      const rightVerifier = await exchange({ code, code_verifier: sessionStorage.getItem("pkce") });
      return { wrongVerifier, rightVerifier };
    })()`);
    expect(result).toMatchObject({
      wrongVerifier: { status: 400, body: { code: "invalid_login_code" } },
      rightVerifier: { status: 400, body: { code: "invalid_login_code" } },
    });
    await context.close();
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
