import { createRoute, z } from "@hono/zod-openapi";
import { requireAdmin, requireUser } from "../../http/authenticate";
import {
  authErrorResponses,
  errorResponse,
  jsonBody,
  jsonContent,
  sessionSecurity,
} from "../../http/schemas/common";
import { ImportQuery, ImportResultSchema } from "./preference-files.schemas";

const tags = ["Preferences"];
const common = { tags, security: sessionSecurity, middleware: requireUser };

export const exportConfig = createRoute({
  tags,
  security: sessionSecurity,
  middleware: requireAdmin,
  method: "get",
  path: "/users/me/config/export",
  summary: "Export Configurations to YAML",
  description: "The caller's preferences as YAML (administrators only), secrets masked.",
  responses: {
    200: { content: { "application/yaml": { schema: z.string() } }, description: "YAML document" },
    403: errorResponse("Administrator role required"),
    ...authErrorResponses,
  },
});

export const importConfig = createRoute({
  ...common,
  method: "post",
  path: "/users/me/config/import",
  summary: "Import Configurations from YAML",
  description:
    "multipart/form-data with a `file` field (≤ 256 KiB). The whole document is validated before anything is " +
    "written; then it is applied in one batch. `?dry_run=true` reports the changes without making them.",
  request: { query: ImportQuery },
  responses: {
    200: jsonContent(ImportResultSchema, "Import result"),
    400: errorResponse("Not valid YAML"),
    403: errorResponse("Policy refusal"),
    413: errorResponse("File too large"),
    415: errorResponse("Not multipart/form-data"),
    ...authErrorResponses,
  },
});
