import { createRoute, z } from "@hono/zod-openapi";
import { requireAdmin, requireUser } from "../../http/authenticate";
import { errorResponses, jsonContent, STEP_UP_REQUIRED, sessionSecurity } from "../../http/schemas/common";
import { preferenceErrors as e } from "../../http/schemas/preferences";
import { ImportQuery, ImportResultSchema, ImportUploadSchema } from "./preference-files.schemas";

const tags = ["Preferences"];
const common = { tags, security: sessionSecurity, middleware: requireUser };

export const exportConfig = createRoute({
  tags,
  security: sessionSecurity,
  middleware: requireAdmin,
  operationId: "exportPreferences",
  method: "get",
  path: "/users/me/config/export",
  summary: "Export Configurations to YAML",
  description:
    "The caller's preferences as YAML (administrators only), secrets masked. Needs a recent authentication.",
  responses: {
    200: { content: { "application/yaml": { schema: z.string() } }, description: "YAML document" },
    ...errorResponses({
      auth: "admin",
      errors: { 401: STEP_UP_REQUIRED, 503: e.unreadable },
    }),
  },
});

export const importConfig = createRoute({
  ...common,
  operationId: "importPreferences",
  method: "post",
  path: "/users/me/config/import",
  summary: "Import Configurations from YAML",
  description:
    "multipart/form-data with a `file` field (≤ 256 KiB). The whole document is validated before anything is " +
    "written; then it is applied in one batch. `?dry_run=true` reports the changes without making them.",
  request: {
    query: ImportQuery,
    body: { content: { "multipart/form-data": { schema: ImportUploadSchema } }, required: true },
  },
  responses: {
    200: jsonContent(ImportResultSchema, "Import result"),
    ...errorResponses({
      auth: "user",
      body: "multipart",
      params: true,
      errors: {
        400: "Not valid YAML, or a forbidden YAML feature (`invalid_yaml`)",
        403: e.notAllowed,
        503: `${e.keysUnavailable}; or ${e.unreadable}`,
      },
    }),
  },
});
