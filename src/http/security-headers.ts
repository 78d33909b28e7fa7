import { createMiddleware } from "hono/factory";
import type { AppEnv } from "./app-env";

/**
 * The response headers every answer carries, set in one place after the handler (errors, 404s,
 * preflights and refusals included). Decisions: docs/browser-security.md.
 */

/** HTML (the API reference page): scripts, styles and fonts from this origin only, no inline script. */
export const HTML_CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; " +
  "connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";
/** Anything else (JSON): nothing to load, never framed, even if a browser were to render it. */
export const API_CSP = "default-src 'none'; frame-ancestors 'none'";
export const HSTS = "max-age=31536000; includeSubDomains";

export const securityHeaders = createMiddleware<AppEnv>(async (c, next) => {
  await next();
  const headers = c.res.headers;
  c.header("X-Content-Type-Options", "nosniff");
  // No URL of ours (OIDC callback with code and state, sign-in pages) ever leaves as a Referer.
  c.header("Referrer-Policy", "no-referrer");
  // Authenticated and sign-in answers are never stored; other answers unless the route says otherwise.
  const personal = c.get("auth") !== undefined || c.get("signedIn") === true;
  const cacheControl = headers.get("cache-control");
  if (!cacheControl || (personal && !/\bno-store\b/i.test(cacheControl)))
    c.header("Cache-Control", "no-store");
  // HSTS is ignored over plain http and would pin localhost for every other local project.
  if (new URL(c.req.url).protocol === "https:") c.header("Strict-Transport-Security", HSTS);
  if (!headers.has("content-security-policy")) {
    const html = (headers.get("content-type") ?? "").toLowerCase().startsWith("text/html");
    c.header("Content-Security-Policy", html ? HTML_CSP : API_CSP);
  }
});
