import { createRouter } from "../../http/create-router";
import { listUserIdentitiesHandler, removeUserIdentityHandler } from "./admin-identities.handlers";
import { listUserIdentities, removeUserIdentity } from "./admin-identities.routes";

export const adminIdentitiesRouter = createRouter()
  .openapi(listUserIdentities, listUserIdentitiesHandler)
  .openapi(removeUserIdentity, removeUserIdentityHandler);
