import { AppError } from "../core/errors";

/** Per-client throttle (Rate Limiting binding, per location), checked before any hashing. */
export async function throttle(limiter: RateLimit, key: string): Promise<void> {
  const { success } = await limiter.limit({ key });
  if (!success) {
    throw new AppError("rate_limited", "Too many attempts from this client; slow down", {
      "Retry-After": "60",
    });
  }
}
