import { createRoute, z } from "@hono/zod-openapi";
import { requireAdmin } from "../../http/authenticate";
import { createRouter } from "../../http/create-router";
import {
  adminErrorResponses,
  jsonContent,
  PaginationSchema,
  pageQuery,
  paginationOf,
  sessionSecurity,
} from "../../http/schemas/common";
import { listAuditEntries } from "../../storage/audit";

const AuditEntrySchema = z
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

const isoTime = z.iso.datetime({ offset: true, message: "An ISO 8601 date-time, e.g. 2026-11-24T10:00:00Z" });

const AuditQuery = z.object({
  ...pageQuery(50),
  actor: z.string().max(64).optional(),
  target: z.string().max(64).optional(),
  action: z.string().max(64).optional(),
  from: isoTime.optional(),
  to: isoTime.optional(),
});

export const listAudit = createRoute({
  method: "get",
  path: "/users/admin/audit",
  tags: ["Administration: audit"],
  summary: "Read the audit log",
  description: "Newest first. `from` is inclusive, `to` exclusive.",
  security: sessionSecurity,
  middleware: requireAdmin,
  request: { query: AuditQuery },
  responses: {
    200: jsonContent(z.object({ data: z.array(AuditEntrySchema), pagination: PaginationSchema }), "Entries"),
    ...adminErrorResponses,
  },
});

const toUtc = (value: string | undefined) => (value ? new Date(value).toISOString() : undefined);

const parseDetails = (json: string): Record<string, unknown> => {
  const value: unknown = JSON.parse(json);
  return typeof value === "object" && value !== null && !Array.isArray(value) ? { ...value } : {};
};

export const adminAuditRouter = createRouter().openapi(listAudit, async (c) => {
  const q = c.req.valid("query");
  const { rows, total } = await listAuditEntries(c.var.db, {
    page: q.page,
    perPage: q.per_page,
    actorId: q.actor,
    targetId: q.target,
    action: q.action,
    from: toUtc(q.from),
    to: toUtc(q.to),
  });
  return c.json(
    {
      data: rows.map((r) => ({
        id: r.id,
        at: r.at,
        actor_id: r.actorId,
        target_type: r.targetType,
        target_id: r.targetId,
        action: r.action,
        details: parseDetails(r.details),
        request_id: r.requestId,
        ip: r.ip,
      })),
      pagination: paginationOf(q.page, q.per_page, total),
    },
    200,
  );
});
