/**
 * Drives a browser-less OIDC round trip through oidc-provider's development interactions with
 * plain fetch and a small cookie jar: /users/login → provider login → consent → our callback.
 */
export class CookieJar {
  private cookies = new Map<string, Map<string, string>>();

  store(url: string, res: Response) {
    const host = new URL(url).host;
    const jar = this.cookies.get(host) ?? new Map<string, string>();
    for (const line of res.headers.getSetCookie()) {
      const [pair = ""] = line.split(";");
      const eq = pair.indexOf("=");
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      if (/max-age=0/i.test(line) || value === "") jar.delete(name);
      else jar.set(name, value);
    }
    this.cookies.set(host, jar);
  }

  header(url: string): string {
    const jar = this.cookies.get(new URL(url).host);
    return jar ? [...jar].map(([k, v]) => `${k}=${v}`).join("; ") : "";
  }

  get(url: string, name: string) {
    return this.cookies.get(new URL(url).host)?.get(name);
  }
}

export async function request(jar: CookieJar, url: string, init: RequestInit = {}): Promise<Response> {
  const headers = new Headers(init.headers);
  const cookie = jar.header(url);
  if (cookie) headers.set("cookie", cookie);
  const res = await fetch(url, { ...init, headers, redirect: "manual" });
  jar.store(url, res);
  return res;
}

/** Follows redirects until one leaves the provider and our API (the frontend URI). */
export async function follow(jar: CookieJar, start: string, stopAt: string): Promise<string> {
  let url = start;
  for (let hops = 0; hops < 15; hops++) {
    if (url.startsWith(stopAt)) return url;
    const res = await request(jar, url);
    const location = res.headers.get("location");
    if (res.status >= 300 && res.status < 400 && location) {
      url = new URL(location, url).toString();
      continue;
    }
    // An interaction page (login or consent): submit its form.
    const html = await res.text();
    url = await submitInteraction(jar, url, html);
  }
  throw new Error("too many redirects");
}

async function submitInteraction(jar: CookieJar, pageUrl: string, html: string): Promise<string> {
  const action = /<form[^>]*action="([^"]+)"/.exec(html)?.[1];
  if (!action) throw new Error(`no form on ${pageUrl}: ${html.slice(0, 200)}`);
  const form = new URLSearchParams();
  for (const [tag] of html.matchAll(/<input[^>]*>/g)) {
    const name = /name="([^"]+)"/.exec(tag)?.[1];
    if (name) form.set(name, /value="([^"]*)"/.exec(tag)?.[1] ?? "");
  }
  if (form.has("login")) {
    form.set("login", process.env.E2E_OIDC_USER ?? "alice");
    form.set("password", "any password");
  }
  const target = new URL(action.replaceAll("&amp;", "&"), pageUrl).toString();
  const res = await request(jar, target, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: form.toString(),
  });
  const location = res.headers.get("location");
  if (!location) throw new Error(`form post to ${target} answered ${res.status}`);
  return new URL(location, target).toString();
}
