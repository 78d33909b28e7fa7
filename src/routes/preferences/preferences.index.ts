import { createRouter } from "../../http/create-router";
import { getConfigHandler, listProvidersHandler, putConfigHandler } from "./preferences.handlers";
import {
  exportConfig,
  getConfig,
  importConfig,
  listModels,
  listProviders,
  putConfig,
  verifyRoute,
} from "./preferences.routes";
import { listModelsHandler, verifyHandler } from "./provider-calls.handlers";
import { exportConfigHandler, importConfigHandler } from "./yaml.handlers";

export const configRouter = createRouter()
  .openapi(getConfig, getConfigHandler)
  .openapi(putConfig, putConfigHandler)
  .openapi(listProviders, listProvidersHandler)
  .openapi(listModels, listModelsHandler)
  .openapi(verifyRoute("llm"), verifyHandler("llm"))
  .openapi(verifyRoute("tts"), verifyHandler("tts"))
  .openapi(verifyRoute("stt"), verifyHandler("stt"))
  .openapi(exportConfig, exportConfigHandler)
  .openapi(importConfig, importConfigHandler);
