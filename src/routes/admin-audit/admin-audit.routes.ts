import { createRoute } from "@hono/zod-openapi";
import { requireAdmin } from "../../http/authenticate";
import { errorResponses, jsonContent, sessionSecurity } from "../../http/schemas/common";
import { AuditPageSchema, AuditQuery } from "./admin-audit.schemas";

export const listAudit = createRoute({
  operationId: "listAuditEntries",
  method: "get",
  path: "/users/admin/audit",
  tags: ["Administration: audit"],
  summary: "Read the audit log",
  description: "Newest first. `from` is inclusive, `to` exclusive.",
  security: sessionSecurity,
  middleware: requireAdmin,
  request: { query: AuditQuery },
  responses: {
    200: jsonContent(AuditPageSchema, "Entries"),
    ...errorResponses({ auth: "admin", params: true }),
  },
});
