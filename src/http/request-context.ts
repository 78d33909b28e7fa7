import type { Context } from "hono";
import type { AppEnv } from "./app-env";

/** The client address as Cloudflare reports it; null outside Cloudflare's edge (tests, scripts). */
export function clientIp(c: Context<AppEnv>): string | null {
  return c.req.header("cf-connecting-ip") ?? null;
}

/** The request facts every audit entry carries. */
export function auditOrigin(c: Context<AppEnv>) {
  return { requestId: c.get("requestId") ?? null, ip: clientIp(c) };
}
