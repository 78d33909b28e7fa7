import { and, count, desc, eq, gte, lt, type SQL, sql } from "drizzle-orm";
import type { Database } from "../db/client";
import { auditLog } from "../db/schema";

/** Who did what to whom; built by handlers and written in the same batch as the change itself. */
export interface AuditEntry {
  action: string;
  actorId: string | null;
  targetType?: string;
  targetId?: string | null;
  /** Never a secret: callers pass field names and ids, not values of keys or passwords. */
  details?: Record<string, unknown>;
  requestId: string | null;
  clientRequestId?: string | null;
  ip: string | null;
}

export function auditStatement(db: Database, entry: AuditEntry) {
  return db.insert(auditLog).values({
    action: entry.action,
    actorId: entry.actorId,
    targetType: entry.targetType ?? null,
    targetId: entry.targetId ?? null,
    details: JSON.stringify(entry.details ?? {}),
    requestId: entry.requestId,
    clientRequestId: entry.clientRequestId ?? null,
    ip: entry.ip,
  });
}

/**
 * An audit insert that only happens when the statement just before it in the same batch changed a
 * row (`changes()`), so a guarded update that did not apply leaves no record — atomically.
 */
export function auditIfChangedStatement(db: Database, entry: AuditEntry) {
  // insert…select names every column in table order: id (NULL → autoincrement), at, then the rest.
  return db.insert(auditLog).select(
    sql`SELECT NULL, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), ${entry.actorId}, ${entry.targetType ?? null},
      ${entry.targetId ?? null}, ${entry.action}, ${JSON.stringify(entry.details ?? {})}, ${entry.requestId},
      ${entry.clientRequestId ?? null}, ${entry.ip}
      WHERE changes() > 0`,
  );
}

export interface AuditFilters {
  page: number;
  perPage: number;
  actorId?: string;
  targetId?: string;
  action?: string;
  from?: string;
  to?: string;
}

/** Newest first; the page and the total in one batch (one D1 round trip). */
export async function listAuditEntries(db: Database, filters: AuditFilters) {
  const conditions: SQL[] = [];
  if (filters.actorId) conditions.push(eq(auditLog.actorId, filters.actorId));
  if (filters.targetId) conditions.push(eq(auditLog.targetId, filters.targetId));
  if (filters.action) conditions.push(eq(auditLog.action, filters.action));
  if (filters.from) conditions.push(gte(auditLog.at, filters.from));
  if (filters.to) conditions.push(lt(auditLog.at, filters.to));
  const where = conditions.length > 0 ? and(...conditions) : undefined;
  const [rows, totals] = await db.batch([
    db
      .select()
      .from(auditLog)
      .where(where)
      .orderBy(desc(auditLog.at), desc(auditLog.id))
      .limit(filters.perPage)
      .offset((filters.page - 1) * filters.perPage),
    db.select({ n: count() }).from(auditLog).where(where),
  ]);
  return { rows, total: totals[0]?.n ?? 0 };
}
