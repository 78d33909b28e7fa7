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
    ip: entry.ip,
  });
}
