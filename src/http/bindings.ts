import type { Context } from "hono";
import { createMiddleware } from "hono/factory";
import { createDb } from "../db/client";
import { ensureBootstrapAdmin } from "../domain/bootstrap-admin";
import { MeteredD1 } from "../platform/metered-d1";
import { meteredKv } from "../platform/metered-kv";
import { StorageMeter } from "../platform/storage-meter";
import type { AppEnv } from "./app-env";

export const BOOKMARK_HEADER = "X-D1-Bookmark";
const BOOKMARK_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{8}-[0-9a-f]{8}-[0-9a-f]{32,64}$/i;

const latency = (value: string | undefined) => {
  const ms = Number(value);
  return Number.isFinite(ms) && ms > 0 ? Math.min(ms, 5000) : 0;
};

/**
 * D1 read replication through the Sessions API. Reads of GET/HEAD requests may be served by the
 * nearest replica (`first-unconstrained`), or from the client's bookmark for read-your-writes;
 * everything else starts at the primary. A malformed bookmark is ignored, never an error.
 * Authentication always reads the primary (see requireUser), so revocation is never stale.
 */
function openSession(c: Context<AppEnv>): D1DatabaseSession {
  const readOnly = c.req.method === "GET" || c.req.method === "HEAD";
  const bookmark = c.req.header(BOOKMARK_HEADER);
  const anchor = readOnly
    ? bookmark && BOOKMARK_PATTERN.test(bookmark)
      ? bookmark
      : "first-unconstrained"
    : "first-primary";
  try {
    return c.env.DB.withSession(anchor);
  } catch {
    return c.env.DB.withSession("first-primary");
  }
}

/**
 * Builds the request's storage handles once: D1 and KV wrapped so every round trip is counted
 * and timed, reported in `Server-Timing`, and the D1 bookmark returned for read-your-writes —
 * both only to callers who proved who they are (see `identified`). Also makes sure the first
 * administrator exists.
 */
export const bindStorage = createMiddleware<AppEnv>(async (c, next) => {
  const meter = new StorageMeter({
    d1LatencyMs: latency(c.env.BENCH_D1_LATENCY_MS),
    kvMissLatencyMs: latency(c.env.BENCH_KV_MISS_LATENCY_MS),
    kvHitLatencyMs: latency(c.env.BENCH_KV_HIT_LATENCY_MS),
  });
  const session = openSession(c);
  const primary = c.env.DB.withSession("first-primary");
  c.set("db", createDb(new MeteredD1(c.env.DB, session, meter)));
  c.set("primaryDb", createDb(new MeteredD1(c.env.DB, primary, meter)));
  c.set("kv", meteredKv(c.env.KV, meter));
  try {
    await ensureBootstrapAdmin(c.env, c.var.primaryDb);
    await next();
  } finally {
    if (identified(c)) {
      c.header("Server-Timing", meter.header());
      const bookmark = session.getBookmark() ?? primary.getBookmark();
      if (bookmark) c.header(BOOKMARK_HEADER, bookmark);
    }
  }
});

/**
 * Storage metadata is for a signed-in caller (or one who just signed in). For anyone else it
 * would tell accounts apart: a failed sign-in reads and writes different things for an existing
 * and an unknown username (the user row, or the unknown name's counter in KV), and the bookmark
 * counts D1 writes. Anonymous callers have nothing to read back, so they lose nothing.
 */
const identified = (c: Context<AppEnv>) => c.get("auth") !== undefined || c.get("signedIn") === true;
