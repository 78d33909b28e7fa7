import { createRouter } from "../../http/create-router";
import { exportConfigHandler, importConfigHandler } from "./preference-files.handlers";
import { exportConfig, importConfig } from "./preference-files.routes";

/** Preferences as a YAML file: export and import (with a dry run that shows the changes). */
export const preferenceFilesRouter = createRouter()
  .openapi(exportConfig, exportConfigHandler)
  .openapi(importConfig, importConfigHandler);
