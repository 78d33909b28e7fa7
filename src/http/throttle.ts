import type { Context } from "hono";
import { throttleAddress } from "../core/client-address";
import { AppError } from "../core/errors";
import type { AppEnv } from "./app-env";
import { clientIp } from "./request-context";

/** Per-key throttle (a Rate Limiting binding, counted per location): 429 `rate_limited` past it. */
export async function throttle(limiter: RateLimit, key: string): Promise<void> {
  const { success } = await limiter.limit({ key });
  if (!success) {
    throw new AppError("rate_limited", "Too many attempts from this client; slow down", {
      "Retry-After": "60",
    });
  }
}

/** `throttle` keyed on the client's address (IPv6 by its /64), under a purpose prefix. */
export const throttleClient = (c: Context<AppEnv>, limiter: RateLimit, purpose: string) =>
  throttle(limiter, `${purpose}:${throttleAddress(clientIp(c))}`);
