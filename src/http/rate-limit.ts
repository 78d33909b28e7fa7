import type { Context } from "hono";
import { AppError } from "../core/errors";
import type { AppEnv } from "./app-env";
import { clientKey } from "./request-context";

/**
 * The one way a request is throttled (Rate Limiting binding, per location): 429 `rate_limited`
 * with Retry-After when over. Per-client keys come from `clientKey` (request-context.ts), so an
 * IPv6 client is one /64, not 2^64 addresses.
 */
export async function throttle(limiter: RateLimit, key: string, detail: string): Promise<void> {
  const { success } = await limiter.limit({ key });
  if (!success) throw new AppError("rate_limited", detail, { "Retry-After": "60" });
}

/**
 * The per-client sign-in throttle (LOGIN_LIMITER, keyed by the client's address, an IPv6 client
 * by its /64), checked before any hashing or storage: password and passkey sign-in share `login`.
 */
export const throttleSignIn = (c: Context<AppEnv>, purpose = "login") =>
  throttle(
    c.env.LOGIN_LIMITER,
    `${purpose}:${clientKey(c)}`,
    "Too many attempts from this client; slow down",
  );
