import type { AppRouteHandler } from "../../http/app-env";
import { paginationOf } from "../../http/schemas/common";
import { listAuditEntries } from "../../storage/audit";
import type { listAudit } from "./admin-audit.routes";
import { toAuditEntryWire } from "./admin-audit.schemas";

const toUtc = (value: string | undefined) => (value ? new Date(value).toISOString() : undefined);

export const listAuditHandler: AppRouteHandler<typeof listAudit> = async (c) => {
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
    { data: rows.map(toAuditEntryWire), pagination: paginationOf(q.page, q.per_page, total) },
    200,
  );
};
