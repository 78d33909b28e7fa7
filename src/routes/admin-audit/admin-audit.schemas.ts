import { z } from "@hono/zod-openapi";
import type { auditLog } from "../../db/schema";
import { PaginationSchema, pageQuery } from "../../http/schemas/common";

export const AuditEntrySchema = z
  .object({
    id: z.number().int(),
    at: z.string(),
    actor_id: z.string().nullable(),
    target_type: z.string().nullable(),
    target_id: z.string().nullable(),
    action: z.string(),
    details: z.record(z.string(), z.unknown()),
    request_id: z.string().nullable(),
    ip: z.string().nullable(),
  })
  .openapi("AuditEntry");

export const AuditPageSchema = z.object({ data: z.array(AuditEntrySchema), pagination: PaginationSchema });

const isoTime = z.iso.datetime({ offset: true, message: "An ISO 8601 date-time, e.g. 2026-11-24T10:00:00Z" });

export const AuditQuery = z.object({
  ...pageQuery(50),
  actor: z.string().max(64).optional(),
  target: z.string().max(64).optional(),
  action: z.string().max(64).optional(),
  from: isoTime.optional(),
  to: isoTime.optional(),
});

const parseDetails = (json: string): Record<string, unknown> => {
  const value: unknown = JSON.parse(json);
  return typeof value === "object" && value !== null && !Array.isArray(value) ? { ...value } : {};
};

export function toAuditEntryWire(row: typeof auditLog.$inferSelect): z.infer<typeof AuditEntrySchema> {
  return {
    id: row.id,
    at: row.at,
    actor_id: row.actorId,
    target_type: row.targetType,
    target_id: row.targetId,
    action: row.action,
    details: parseDetails(row.details),
    request_id: row.requestId,
    ip: row.ip,
  };
}
