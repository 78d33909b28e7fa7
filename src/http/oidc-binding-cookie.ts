import type { Context } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import { isPlainLocalhost } from "./session-cookie";

/**
 * The cookie that binds an OIDC state to the browser that started the flow. Like the session
 * cookie (session-cookie.ts): `__Host-oidc_binding` (Secure, host-only, Path=/) everywhere but
 * plain-http localhost, so a sibling subdomain cannot plant or shadow it; on plain-http localhost
 * (wrangler dev) it is `oidc_binding` scoped to the sign-in paths. Only the name that fits the
 * request's scheme is read: on https a plain `oidc_binding` someone planted counts for nothing.
 */
const NAME = "oidc_binding";
const LOCAL_PATH = "/api/v1/users/login";

export function setBindingCookie(c: Context, value: string, maxAgeSeconds: number): void {
  const options = { httpOnly: true, sameSite: "Lax", maxAge: maxAgeSeconds } as const;
  if (isPlainLocalhost(c)) setCookie(c, NAME, value, { ...options, path: LOCAL_PATH });
  else setCookie(c, NAME, value, { ...options, path: "/", secure: true, prefix: "host" });
}

/** The binding secret this browser holds (and the cookie cleared: each state is used once). */
export function takeBindingCookie(c: Context): string | null {
  if (isPlainLocalhost(c)) {
    const value = getCookie(c, NAME);
    deleteCookie(c, NAME, { path: LOCAL_PATH });
    return value ?? null;
  }
  const value = getCookie(c, NAME, "host");
  deleteCookie(c, NAME, { path: "/", secure: true, prefix: "host" });
  return value ?? null;
}
