import type { Context } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import { isPlainHttpLoopback } from "../core/hosts";

/**
 * The session cookie and the access cookie: HttpOnly, SameSite=Lax, Path=/, Secure everywhere but
 * plain-http localhost (wrangler dev). With Secure we use the `__Host-` prefix, which browsers only
 * accept when the cookie is Secure, host-only and Path=/, so a sibling subdomain cannot plant or
 * shadow it. For the same reason the unprefixed names are read only on plain-http loopback: over
 * https such a cookie may have been planted by a sibling (cookie tossing) and is never a credential.
 * The access cookie holds a short-lived access token (docs/access-tokens.md).
 */
const NAME = "session";
const ACCESS_NAME = "access";

/** Plain-http loopback (wrangler dev): cookies without Secure and without the `__Host-` prefix. */
export const isPlainLocalhost = (c: Context) => isPlainHttpLoopback(new URL(c.req.url));

function setHostCookie(c: Context, name: string, value: string, maxAgeSeconds: number): void {
  const options = { httpOnly: true, sameSite: "Lax", path: "/", maxAge: maxAgeSeconds } as const;
  if (isPlainLocalhost(c)) setCookie(c, name, value, options);
  else setCookie(c, name, value, { ...options, secure: true, prefix: "host" });
}

/** Clears both names on https: a planted or leftover unprefixed cookie goes too. */
function clearHostCookie(c: Context, name: string): void {
  if (isPlainLocalhost(c)) {
    deleteCookie(c, name, { path: "/" });
    return;
  }
  deleteCookie(c, name, { path: "/", secure: true, prefix: "host" });
  deleteCookie(c, name, { path: "/", secure: true });
}

function readHostCookie(c: Context, name: string): string | null {
  const prefixed = getCookie(c, name, "host");
  if (prefixed) return prefixed;
  return isPlainLocalhost(c) ? (getCookie(c, name) ?? null) : null;
}

export function setSessionCookie(c: Context, token: string, maxAgeSeconds: number): void {
  setHostCookie(c, NAME, token, maxAgeSeconds);
}

export function clearSessionCookie(c: Context): void {
  clearHostCookie(c, NAME);
}

export function setAccessCookie(c: Context, token: string, maxAgeSeconds: number): void {
  setHostCookie(c, ACCESS_NAME, token, maxAgeSeconds);
}

export function clearAccessCookie(c: Context): void {
  clearHostCookie(c, ACCESS_NAME);
}

export const readAccessCookie = (c: Context) => readHostCookie(c, ACCESS_NAME);
export const readSessionCookie = (c: Context) => readHostCookie(c, NAME);

/** The `Authorization: Bearer` value, if the header is there (null when absent or malformed). */
export function readBearer(c: Context): string | null {
  const authorization = c.req.header("authorization");
  if (!authorization) return null;
  const match = /^Bearer\s+(\S{1,4096})$/i.exec(authorization.trim());
  return match?.[1] ?? null;
}

/** Bearer token first (API clients, other-site frontends), then the cookie. */
export function readSessionToken(c: Context): string | null {
  if (c.req.header("authorization")) return readBearer(c);
  return readSessionCookie(c);
}
