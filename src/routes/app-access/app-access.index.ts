import { createRouter } from "../../http/create-router";
import * as h from "./app-access.handlers";
import * as r from "./app-access.routes";

/**
 * What apps get from users' preferences: resolved configuration for backends (service accounts) and
 * short-lived provider credentials for browsers. `/users/me/…` is registered before `/users/{uid}/…`.
 */
export const appAccessRouter = createRouter()
  .openapi(r.mintMyClientToken, h.mintMyClientTokenHandler)
  .openapi(r.mintUserClientToken, h.mintUserClientTokenHandler)
  .openapi(r.resolvedConfig, h.resolvedConfigHandler);
