import type { Context } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import { isPlainHttpLoopback } from "../core/hosts";

/**
 * The session cookie: HttpOnly, SameSite=Lax, Path=/, Secure everywhere but plain-http localhost
 * (wrangler dev). With Secure we use the `__Host-` prefix, which browsers only accept when the
 * cookie is Secure, host-only and Path=/, so a sibling subdomain cannot plant or shadow it. For
 * the same reason the unprefixed name is read only on plain-http loopback: over https a `session`
 * cookie may have been planted by a sibling (cookie tossing) and is never a credential.
 */
const NAME = "session";

const isPlainLocalhost = (c: Context) => isPlainHttpLoopback(new URL(c.req.url));

export function setSessionCookie(c: Context, token: string, maxAgeSeconds: number): void {
  const secure = !isPlainLocalhost(c);
  const options = { httpOnly: true, sameSite: "Lax", path: "/", maxAge: maxAgeSeconds } as const;
  if (secure) setCookie(c, NAME, token, { ...options, secure: true, prefix: "host" });
  else setCookie(c, NAME, token, options);
}

/** Clears both names: a leftover unprefixed cookie (older deployments, plain-http) goes too. */
export function clearSessionCookie(c: Context): void {
  if (isPlainLocalhost(c)) {
    deleteCookie(c, NAME, { path: "/" });
    return;
  }
  deleteCookie(c, NAME, { path: "/", secure: true, prefix: "host" });
  deleteCookie(c, NAME, { path: "/", secure: true });
}

/** Bearer token first (API clients, other-site frontends), then the cookie. */
export function readSessionToken(c: Context): string | null {
  const authorization = c.req.header("authorization");
  if (authorization) {
    const match = /^Bearer\s+(\S{1,200})$/i.exec(authorization.trim());
    return match?.[1] ?? null;
  }
  const prefixed = getCookie(c, NAME, "host");
  if (prefixed) return prefixed;
  return isPlainLocalhost(c) ? (getCookie(c, NAME) ?? null) : null;
}
