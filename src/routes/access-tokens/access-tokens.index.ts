import { createRouter } from "../../http/create-router";
import { getDiscoveryHandler, getJwksHandler, issueTokenHandler } from "./access-tokens.handlers";
import { getDiscovery, getJwks, issueToken } from "./access-tokens.routes";

export const accessTokensRouter = createRouter()
  .openapi(issueToken, issueTokenHandler)
  .openapi(getJwks, getJwksHandler)
  .openapi(getDiscovery, getDiscoveryHandler);
