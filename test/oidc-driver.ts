/**
 * The one OIDC test driver: a browser-less browser (a cookie jar and manual redirects) that starts
 * the sign-in at /users/login, lets the provider authorize, and calls our callback. The Worker
 * tests (test/oidc, with the fake provider of test/oidc/fake-idp.ts) and the end-to-end tests
 * (test/e2e, with npm `oidc-provider`'s login and consent pages) both drive the flow through it.
 * Runtime-neutral: no Node or workerd imports, the transport is passed in.
 */

/** Sends one request and answers without following redirects. */
export type Transport = (request: Request) => Promise<Response>;

/** The provider's part: from the authorization URL to the parameters it sends to our callback. */
export type Authorize = (authorization: URL, browser: OidcBrowser) => Promise<URLSearchParams>;

export class CookieJar {
  private cookies = new Map<string, Map<string, string>>();

  private forHost(url: string) {
    const host = new URL(url).host;
    const jar = this.cookies.get(host) ?? new Map<string, string>();
    this.cookies.set(host, jar);
    return jar;
  }

  store(url: string, res: Response) {
    const jar = this.forHost(url);
    for (const line of res.headers.getSetCookie()) {
      const [pair = ""] = line.split(";");
      const eq = pair.indexOf("=");
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      if (/max-age=0/i.test(line) || value === "") jar.delete(name);
      else jar.set(name, value);
    }
  }

  set(url: string, name: string, value: string) {
    this.forHost(url).set(name, value);
  }

  get(url: string, name: string): string | undefined {
    return this.cookies.get(new URL(url).host)?.get(name);
  }

  header(url: string): string {
    const jar = this.cookies.get(new URL(url).host);
    return jar ? [...jar].map(([k, v]) => `${k}=${v}`).join("; ") : "";
  }
}

const locationOf = (res: Response, base: string) => {
  const location = res.headers.get("location");
  return location ? new URL(location, base) : null;
};

export class OidcBrowser {
  readonly jar = new CookieJar();
  /** Each browser is its own client address, as the per-address sign-in throttle sees it. */
  readonly ip = `198.18.${Math.floor(Math.random() * 256)}.${Math.floor(Math.random() * 254) + 1}`;

  /** `api` is the API base URL, e.g. http://localhost:8787/api/v1. */
  constructor(
    readonly api: string,
    private readonly transport: Transport,
  ) {}

  /** A request carrying this browser's cookies for the host; stores what the answer sets. */
  async request(url: string, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    if (!headers.has("cf-connecting-ip")) headers.set("cf-connecting-ip", this.ip);
    const cookie = this.jar.header(url);
    if (cookie) headers.set("cookie", cookie);
    const res = await this.transport(new Request(url, { ...init, headers, redirect: "manual" }));
    this.jar.store(url, res);
    return res;
  }

  /** This browser's cookie `name` for the API's host. */
  cookie(name: string) {
    return this.jar.get(this.api, name);
  }

  /** GET /users/login with `query`; `authorization` is the provider URL it redirects to. */
  async startLogin(query: Record<string, string> = {}, headers: Record<string, string> = {}) {
    const url = `${this.api}/users/login${Object.keys(query).length ? `?${new URLSearchParams(query)}` : ""}`;
    const res = await this.request(url, { headers });
    return { res, authorization: locationOf(res, url) };
  }

  /** GET /users/login/callback with the provider's parameters; `landed` is where it redirects. */
  async callback(params: Record<string, string> | URLSearchParams) {
    const url = `${this.api}/users/login/callback?${new URLSearchParams(params)}`;
    const res = await this.request(url);
    return { res, landed: locationOf(res, url) };
  }

  /** The whole round trip: start, the provider authorizes, our callback. */
  async signIn(
    authorize: Authorize,
    query: Record<string, string> = {},
    headers: Record<string, string> = {},
  ) {
    const { authorization } = await this.startLogin(query, headers);
    if (!authorization) throw new Error("GET /users/login did not redirect to the provider");
    return this.callback(await authorize(authorization, this));
  }
}

/**
 * A real provider's pages (npm `oidc-provider`'s development interactions): follows its redirects
 * and submits its login form (as `user`, any password) and consent form, until it redirects to
 * our callback; answers the parameters it sends there.
 */
export const throughProviderPages =
  (user: string): Authorize =>
  async (authorization, browser) => {
    const callback = authorization.searchParams.get("redirect_uri") ?? "";
    let url = authorization.toString();
    for (let hops = 0; hops < 15; hops++) {
      if (url.startsWith(callback)) return new URL(url).searchParams;
      const res = await browser.request(url);
      const next = locationOf(res, url);
      url = next ? next.toString() : await submitInteraction(browser, url, await res.text(), user);
    }
    throw new Error("too many redirects");
  };

async function submitInteraction(browser: OidcBrowser, pageUrl: string, html: string, user: string) {
  const action = /<form[^>]*action="([^"]+)"/.exec(html)?.[1];
  if (!action) throw new Error(`no form on ${pageUrl}: ${html.slice(0, 200)}`);
  const form = new URLSearchParams();
  for (const [tag] of html.matchAll(/<input[^>]*>/g)) {
    const name = /name="([^"]+)"/.exec(tag)?.[1];
    if (name) form.set(name, /value="([^"]*)"/.exec(tag)?.[1] ?? "");
  }
  if (form.has("login")) {
    form.set("login", user);
    form.set("password", "any password");
  }
  const target = new URL(action.replaceAll("&amp;", "&"), pageUrl).toString();
  const res = await browser.request(target, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: form.toString(),
  });
  const next = locationOf(res, target);
  if (!next) throw new Error(`form post to ${target} answered ${res.status}`);
  return next.toString();
}

const base64url = (bytes: Uint8Array) =>
  btoa(String.fromCharCode(...bytes))
    .replace(/=+$/, "")
    .replace(/\+/g, "-")
    .replace(/\//g, "_");

/** A frontend's PKCE pair (RFC 7636 S256), computed independently of the Worker's code. */
export async function pkcePair() {
  const verifier = base64url(crypto.getRandomValues(new Uint8Array(32)));
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(verifier));
  return { verifier, challenge: base64url(new Uint8Array(digest)) };
}
