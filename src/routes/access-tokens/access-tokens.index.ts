import { createRouter } from "../../http/create-router";
import { getDiscoveryHandler, getJwksHandler, issueTokenHandler } from "./access-tokens.handlers";
import { getDiscovery, getDiscoveryAtRoot, getJwks, getJwksAtRoot, issueToken } from "./access-tokens.routes";

export const accessTokensRouter = createRouter()
  .openapi(issueToken, issueTokenHandler)
  .openapi(getJwks, getJwksHandler)
  .openapi(getDiscovery, getDiscoveryHandler);

/** Mounted at the origin's root by the app (not under /api/v1). */
export const wellKnownRootRouter = createRouter()
  .openapi(getJwksAtRoot, getJwksHandler)
  .openapi(getDiscoveryAtRoot, getDiscoveryHandler);
