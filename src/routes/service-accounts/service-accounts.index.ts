import { createRouter } from "../../http/create-router";
import * as h from "./service-accounts.handlers";
import * as r from "./service-accounts.routes";

/** Service accounts (app backends) and their keys, managed by administrators. */
export const serviceAccountsRouter = createRouter()
  .openapi(r.createServiceAccount, h.createServiceAccountHandler)
  .openapi(r.listServiceAccountsRoute, h.listServiceAccountsHandler)
  .openapi(r.deleteServiceAccount, h.deleteServiceAccountHandler)
  .openapi(r.createServiceKey, h.createServiceKeyHandler)
  .openapi(r.listServiceKeys, h.listServiceKeysHandler)
  .openapi(r.revokeServiceKey, h.revokeServiceKeyHandler);
