import { createRouter } from "../../http/create-router";
import { exchangeLoginCodeHandler, loginCallbackHandler, startLoginHandler } from "./oidc.handlers";
import { exchangeLoginCode, loginCallback, startLogin } from "./oidc.routes";

export const oidcRouter = createRouter()
  .openapi(startLogin, startLoginHandler)
  .openapi(loginCallback, loginCallbackHandler)
  .openapi(exchangeLoginCode, exchangeLoginCodeHandler);
