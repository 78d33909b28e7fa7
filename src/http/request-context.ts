import type { Context } from "hono";
import { createMiddleware } from "hono/factory";
import { addressKey } from "../core/client-address";
import type { AuditEntry } from "../storage/audit";
import type { AppEnv } from "./app-env";

const REQUEST_ID_HEADER = "X-Request-Id";
const CLIENT_ID_PATTERN = /^[\w.:=-]{1,128}$/;

/**
 * Every request gets our own id (a UUID), answered in `X-Request-Id` and written to audit entries.
 * An id the client sent is kept apart (`clientRequestId`) for correlation, never used as ours, so
 * a client cannot forge or collide with the ids of our records.
 */
export const assignRequestId = createMiddleware<AppEnv>(async (c, next) => {
  const sent = c.req.header(REQUEST_ID_HEADER);
  c.set("requestId", crypto.randomUUID());
  c.set("clientRequestId", sent && CLIENT_ID_PATTERN.test(sent) ? sent : null);
  c.header(REQUEST_ID_HEADER, c.var.requestId);
  await next();
});

/** The client address as Cloudflare reports it; null outside Cloudflare's edge (tests, scripts). */
export function clientIp(c: Context<AppEnv>): string | null {
  return c.req.header("cf-connecting-ip") ?? null;
}

/**
 * Who is calling, for throttling by client: the address, or an IPv6 address's /64
 * (core/client-address.ts). Every per-client rate limit keys on this, never on clientIp.
 */
export function clientKey(c: Context<AppEnv>): string {
  const ip = clientIp(c);
  return ip ? addressKey(ip) : "unknown";
}

/** Where a request came from, as audit entries record it. */
export function requestOrigin(c: Context<AppEnv>): Pick<AuditEntry, "requestId" | "clientRequestId" | "ip"> {
  return { requestId: c.var.requestId, clientRequestId: c.var.clientRequestId, ip: clientIp(c) };
}

export interface AuditTarget {
  /** Defaults to the signed-in user (or null for anonymous requests). */
  actorId?: string | null;
  targetType?: string;
  targetId?: string | null;
}

/**
 * Who acted, on what, from where: everything an audit entry takes from the request. Domain code
 * adds the action and details; `auditEntry` below does both for handlers.
 */
export function auditBase(c: Context<AppEnv>, target: AuditTarget = {}): Omit<AuditEntry, "action"> {
  const signedIn: string | null = c.var.auth?.user.id ?? null;
  return {
    actorId: target.actorId === undefined ? signedIn : target.actorId,
    targetType: target.targetType ?? "user",
    targetId: target.targetId === undefined ? signedIn : target.targetId,
    ...requestOrigin(c),
  };
}

/** The one way handlers build an audit entry. */
export function auditEntry(
  c: Context<AppEnv>,
  action: string,
  target: AuditTarget = {},
  details: Record<string, unknown> = {},
): AuditEntry {
  return { ...auditBase(c, target), action, details };
}
