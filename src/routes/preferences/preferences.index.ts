import { createRouter } from "../../http/create-router";
import { getConfigHandler, listProvidersHandler, putConfigHandler } from "./preferences.handlers";
import { getConfig, listProviders, putConfig } from "./preferences.routes";

export const preferencesRouter = createRouter()
  .openapi(getConfig, getConfigHandler)
  .openapi(putConfig, putConfigHandler)
  .openapi(listProviders, listProvidersHandler);
