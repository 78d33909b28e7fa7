import { createRouter } from "../../http/create-router";
import { listMyIdentitiesHandler, removeMyIdentityHandler } from "./identities.handlers";
import { listMyIdentities, removeMyIdentity } from "./identities.routes";

export const identitiesRouter = createRouter()
  .openapi(listMyIdentities, listMyIdentitiesHandler)
  .openapi(removeMyIdentity, removeMyIdentityHandler);
