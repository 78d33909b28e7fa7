import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchChromium } from "./chromium";
import { type StaticSite, startStaticSite } from "./frontend-server";
import { freePort, type RunningWorker, startWorker } from "./worker-process";

/**
 * CORS and CSRF in a real browser (Debian's Chromium via playwright-core) against `wrangler dev`:
 * an allowed frontend on another port signs in and writes with credentials through real
 * preflights; a page on a port not in FRONTEND_ORIGINS (same site, so SameSite=Lax still sends
 * the cookie: the case the origin check exists for) cannot write with the user's cookie.
 */
const ADMIN = { username: "e2e-admin", password: "e2e-admin-password-long" };
let worker: RunningWorker;
let frontend: StaticSite;
let other: StaticSite;
let browser: Browser;

beforeAll(async () => {
  frontend = await startStaticSite(await freePort());
  other = await startStaticSite(await freePort());
  worker = await startWorker({
    FRONTEND_ORIGINS: frontend.origin,
    BOOTSTRAP_ADMIN_USERNAME: ADMIN.username,
    BOOTSTRAP_ADMIN_PASSWORD: ADMIN.password,
  });
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await worker?.stop();
  await frontend?.close();
  await other?.close();
});

interface Answer {
  status: number;
  body: unknown;
  headers: Record<string, string | null>;
  error?: string;
}

interface PageInit {
  method?: string;
  headers?: Record<string, string>;
  body?: string;
}

/**
 * A credentialed fetch() run inside the page (`credentials: "include"`), so the browser itself
 * applies CORS, preflights and cookies.
 */
function pageFetch(page: Page, url: string, init: PageInit = {}): Promise<Answer> {
  return page.evaluate(
    async ({ url, init }): Promise<Answer> => {
      try {
        const res = await fetch(url, Object.assign({}, init, { credentials: "include" }));
        const text = await res.text();
        const read = (name: string) => res.headers.get(name);
        return {
          status: res.status,
          body: text ? JSON.parse(text) : null,
          headers: {
            etag: read("etag"),
            "x-request-id": read("x-request-id"),
            "server-timing": read("server-timing"),
          },
        };
      } catch (error) {
        return { status: 0, body: null, headers: {}, error: String(error) } satisfies Answer;
      }
    },
    { url, init },
  );
}

const api = (path: string) => `${worker.url}/api/v1${path}`;

describe("an allowed frontend on another origin (FRONTEND_ORIGINS), in Chromium", () => {
  let page: Page;

  it("signs in with a credentialed cross-origin fetch and then reads /users/me with the cookie", async () => {
    page = await browser.newPage();
    await page.goto(`${frontend.origin}/`);
    const signIn = await pageFetch(page, api("/users/login/local"), {
      method: "POST",
      headers: { "content-type": "application/json" }, // not CORS-safelisted: a real preflight
      body: JSON.stringify(ADMIN),
    });
    expect(signIn.error).toBeUndefined();
    expect(signIn.status).toBe(200);
    expect(signIn.headers["x-request-id"]).toMatch(/^[0-9a-f-]{36}$/); // exposed to the frontend
    const me = await pageFetch(page, api("/users/me"), {});
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({ username: ADMIN.username });
    expect(me.headers["server-timing"]).toMatch(/^d1;/); // signed in: exposed and present
  });

  it("writes its config with If-Match through a preflight, reading the ETag", async () => {
    const read = await pageFetch(page, api("/users/me/config"), {});
    expect(read.status).toBe(200);
    const etag = read.headers.etag;
    expect(etag).toMatch(/^"v\d+"$/);
    const write = await pageFetch(page, api("/users/me/config"), {
      method: "PUT",
      headers: { "content-type": "application/json", "if-match": etag ?? "" },
      body: JSON.stringify({ llm: { provider: "groq" } }),
    });
    expect(write.error).toBeUndefined();
    expect(write.status).toBe(200);
    expect(write.headers.etag).not.toBe(etag);
  });

  it("cannot send a header the API does not allow: the browser stops it at the preflight", async () => {
    const res = await pageFetch(page, api("/users/me"), { headers: { "x-not-allowed": "1" } });
    expect(res.error).toMatch(/TypeError/);
  });
});

describe("a page on an origin not in FRONTEND_ORIGINS, in the same browser", () => {
  it("cannot write with the signed-in user's cookie: form posts and credentialed fetches change nothing", async () => {
    const context = await browser.newContext();
    const friendly = await context.newPage();
    await friendly.goto(`${frontend.origin}/`);
    const signIn = await pageFetch(friendly, api("/users/login/local"), {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(ADMIN),
    });
    expect(signIn.status).toBe(200);
    const before = await pageFetch(friendly, api("/users/me/config"), {});
    expect(before.status).toBe(200);

    const hostile = await context.newPage();
    await hostile.goto(`${other.origin}/`);
    // A simple credentialed fetch (no preflight): sent with the cookie, refused by the Worker;
    // the page cannot even read the refusal.
    const logout = await pageFetch(hostile, api("/users/logout"), {
      method: "POST",
      headers: { "content-type": "text/plain" },
      body: "x",
    });
    expect(logout.error).toMatch(/TypeError/);
    // A non-simple one never leaves the browser: its preflight is refused.
    const put = await pageFetch(hostile, api("/users/me/config"), {
      method: "PUT",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ llm: { provider: "openai" } }),
    });
    expect(put.error).toMatch(/TypeError/);
    // A classic form post (the YAML import), which needs no CORS at all.
    await hostile.setContent(
      `<form method="post" enctype="multipart/form-data" action="${api("/users/me/config/import")}">` +
        '<textarea name="file">version: 1\nllm:\n  provider: openai\n</textarea><button>go</button></form>',
    );
    await hostile.click("button");
    await hostile.waitForURL(`${api("/users/me/config/import")}**`);
    expect(JSON.parse((await hostile.textContent("body")) ?? "{}")).toMatchObject({
      code: "cross_site_request",
    });

    // Still signed in, config untouched.
    const after = await pageFetch(friendly, api("/users/me/config"), {});
    expect(after.status).toBe(200);
    expect(after.headers.etag).toBe(before.headers.etag);
    expect(after.body).toEqual(before.body);
    await context.close();
  });
});
