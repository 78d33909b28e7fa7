import { createMiddleware } from "hono/factory";
import { API_CSP, COMMON_SECURITY_HEADERS, HSTS, HTML_CSP } from "../core/security-policy";
import type { AppEnv } from "./app-env";

/**
 * The response headers every answer carries, set in one place after the handler (errors, 404s,
 * preflights and refusals included). Decisions: docs/browser-security.md.
 */

export const securityHeaders = createMiddleware<AppEnv>(async (c, next) => {
  await next();
  const headers = c.res.headers;
  for (const [name, value] of Object.entries(COMMON_SECURITY_HEADERS)) c.header(name, value);
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
