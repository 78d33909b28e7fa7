import { exports } from "cloudflare:workers";
import { randomIp } from "../helpers";
import { pkcePair } from "../oidc-driver";
import type { startFakeIdp } from "./fake-idp";

export { pkcePair };

/** Driving the sign-in flow from tests: start, the provider's redirect back, PKCE pairs. */

type Idp = Awaited<ReturnType<typeof startFakeIdp>>;
export const WORKER = "http://localhost:8787";
export const FRONTEND = "http://localhost:5173/after-login";
export const FRONTEND_ORIGIN = "http://localhost:5173";

/** Calls the Worker at an origin of our choosing (https, to see the Secure-only behaviour). */
export const callAt = (origin: string, path: string, init: RequestInit = {}) =>
  exports.default.fetch(new Request(`${origin}/api/v1${path}`, init));

export const cookieOf = (res: Response, name: string) =>
  res.headers
    .getSetCookie()
    .map((c) => c.split(";")[0] ?? "")
    .find((c) => c.startsWith(`${name}=`)) ?? "";

export interface StartOptions {
  query?: Record<string, string>;
  headers?: Record<string, string>;
  origin?: string;
}

/** GET /users/login from a fresh client address; remembers the nonce for the fake provider. */
export async function startFlow(idp: Idp, options: StartOptions = {}) {
  const query = new URLSearchParams({ frontend_callback_uri: FRONTEND, ...options.query });
  const res = await callAt(options.origin ?? WORKER, `/users/login?${query}`, {
    headers: { "cf-connecting-ip": randomIp(), ...options.headers },
    redirect: "manual",
  });
  const location = new URL(res.headers.get("location") ?? "http://invalid/");
  idp.nonce = location.searchParams.get("nonce") ?? "";
  const binding = cookieOf(res, "oidc_binding") || cookieOf(res, "__Host-oidc_binding");
  return { res, location, state: location.searchParams.get("state") ?? "", binding };
}

/** The provider's redirect back to our callback, in the browser that holds `binding`. */
export function finishFlow(state: string, binding: string, extra = "code=the-code", origin = WORKER) {
  return callAt(origin, `/users/login/callback?${extra}&state=${encodeURIComponent(state)}`, {
    headers: binding ? { cookie: binding } : {},
    redirect: "manual",
  });
}

/** Where the callback sent the browser. */
export const landing = (res: Response) => new URL(res.headers.get("location") ?? "http://invalid/");
