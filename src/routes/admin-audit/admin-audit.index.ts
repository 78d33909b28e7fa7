import { createRouter } from "../../http/create-router";
import { listAuditHandler } from "./admin-audit.handlers";
import { listAudit } from "./admin-audit.routes";

export const adminAuditRouter = createRouter().openapi(listAudit, listAuditHandler);
