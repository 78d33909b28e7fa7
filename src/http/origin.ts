import type { Context } from "hono";
import { createMiddleware } from "hono/factory";
import { AppError } from "../core/errors";
import { parseOrigin } from "../core/origins";
import { readConfig } from "../core/settings";
import type { AppEnv } from "./app-env";
import { BOOKMARK_HEADER } from "./bindings";
import { readSessionToken } from "./session-cookie";

/**
 * Which browser origins may use the API with credentials: the Worker's own origin and
 * FRONTEND_ORIGINS, parsed by the one origin parser (core/origins.ts). CORS and the cross-site
 * write check below both ask `allowedOrigin`, so they cannot disagree. Decisions:
 * docs/browser-security.md.
 */
type Ctx = Context<AppEnv>;

const UNSAFE_METHODS: ReadonlySet<string> = new Set(["POST", "PUT", "PATCH", "DELETE"]);
export const CORS_METHODS = "GET, HEAD, POST, PUT, PATCH, DELETE";
export const CORS_REQUEST_HEADERS = `Authorization, Content-Type, If-Match, ${BOOKMARK_HEADER}, X-Request-Id`;
export const CORS_EXPOSED_HEADERS = `ETag, Server-Timing, X-Request-Id, ${BOOKMARK_HEADER}, Retry-After, Allow`;
/** Two hours: Chromium's cap. Revoking an origin still takes effect at once (no ACAO on answers). */
export const CORS_MAX_AGE_SECONDS = 7200;

const crossSite = () =>
  new AppError(
    "cross_site_request",
    "This origin may not make this request with the session cookie; use an allowed origin (FRONTEND_ORIGINS) or a Bearer token",
  );

/** The request's `Origin`, normalised; null when absent or not an origin (e.g. the opaque `null`). */
function originOf(c: Ctx): { sent: boolean; origin: string | null } {
  const raw = c.req.header("origin");
  return { sent: raw !== undefined, origin: raw === undefined ? null : parseOrigin(raw) };
}

/** Own origin first, so a malformed FRONTEND_ORIGINS (503) only affects cross-origin callers. */
function allowedOrigin(c: Ctx, origin: string | null): boolean {
  if (origin === null) return false;
  if (origin === new URL(c.req.url).origin) return true;
  return readConfig(c.env).frontendOrigins.includes(origin);
}

/**
 * CORS for the allowed origins only, with credentials. A preflight is answered here, before
 * storage is bound: it never reaches a handler, D1 or KV. Any other origin gets no CORS headers
 * (its preflight a 403), so the browser neither sends its non-simple requests nor lets it read
 * answers. `Vary: Origin` on every answer, so a cache never hands one origin's answer to another.
 */
export const cors = createMiddleware<AppEnv>(async (c, next) => {
  const { origin } = originOf(c);
  const allowed = allowedOrigin(c, origin);
  c.header("Vary", "Origin", { append: true });
  const preflight = c.req.method === "OPTIONS" && c.req.header("access-control-request-method") !== undefined;
  if (preflight) {
    if (!allowed || origin === null) throw crossSite();
    return c.body(null, 204, {
      "Access-Control-Allow-Origin": origin,
      "Access-Control-Allow-Credentials": "true",
      "Access-Control-Allow-Methods": CORS_METHODS,
      "Access-Control-Allow-Headers": CORS_REQUEST_HEADERS,
      "Access-Control-Max-Age": String(CORS_MAX_AGE_SECONDS),
    });
  }
  await next();
  if (allowed && origin !== null) {
    c.header("Access-Control-Allow-Origin", origin);
    c.header("Access-Control-Allow-Credentials", "true");
    c.header("Access-Control-Expose-Headers", CORS_EXPOSED_HEADERS);
  }
});

/** `Authorization: Bearer`: a browser never attaches it on its own, so it cannot be forged cross-site. */
const carriesBearer = (c: Ctx) => /^Bearer\s/i.test(c.req.header("authorization") ?? "");

/**
 * Whether an unsafe request comes from a page allowed to make it. `Origin` decides when present
 * (every current browser sends it on cross-origin requests and on same-origin non-GET fetches and
 * forms); without it, `Sec-Fetch-Site: same-origin`. A request with neither is not from a current
 * browser: it may not ride on the session cookie, and without one it has nothing to forge (curl
 * signing in, server-side clients).
 */
function fromAllowedPage(c: Ctx): boolean {
  const { sent, origin } = originOf(c);
  if (sent) return allowedOrigin(c, origin);
  const site = c.req.header("sec-fetch-site");
  if (site !== undefined) return site === "same-origin";
  return readSessionToken(c) === null;
}

/**
 * CSRF: every unsafe request (POST/PUT/PATCH/DELETE) not carrying a Bearer token must come from
 * an allowed page. That covers every cookie-authenticated write whatever its content type (form,
 * text/plain, multipart: the ones a cross-site page can send without a preflight) and the
 * sign-in endpoints that set the cookie (login CSRF). Refused before storage is bound.
 */
export const refuseCrossSiteWrites = createMiddleware<AppEnv>(async (c, next) => {
  if (UNSAFE_METHODS.has(c.req.method) && !carriesBearer(c) && !fromAllowedPage(c)) throw crossSite();
  await next();
});
