import { AppError } from "../core/errors";

/**
 * The one way a request is throttled (Rate Limiting binding, per location): 429 `rate_limited`
 * with Retry-After when over. Per-client keys come from `clientKey` (request-context.ts), so an
 * IPv6 client is one /64, not 2^64 addresses.
 */
export async function throttle(limiter: RateLimit, key: string, detail: string): Promise<void> {
  const { success } = await limiter.limit({ key });
  if (!success) throw new AppError("rate_limited", detail, { "Retry-After": "60" });
}
