import { createRoute, z } from "@hono/zod-openapi";
import { PreferencesUpdateSchema } from "../../domain/preferences/preference-schemas";
import type { Section } from "../../domain/preferences/provider-catalog";
import { requireAdmin, requireUser } from "../../http/authenticate";
import {
  authErrorResponses,
  errorResponse,
  jsonBody,
  jsonContent,
  sessionSecurity,
} from "../../http/schemas/common";
import {
  ImportResultSchema,
  ModelListSchema,
  ModelsQuery,
  PreferencesViewSchema,
  ProviderInfoSchema,
  ProvidersQuery,
  VerifyRequestSchema,
  VerifyResultSchema,
} from "./preferences.schemas";

const tags = ["Preferences"];
const common = { tags, security: sessionSecurity, middleware: requireUser };

export const getConfig = createRoute({
  ...common,
  method: "get",
  path: "/users/me/config",
  summary: "Get Current User Preferences",
  description:
    "The user's overrides and the effective configuration, each value with the layer it came from. Sends an ETag.",
  responses: { 200: jsonContent(PreferencesViewSchema, "Preferences"), ...authErrorResponses },
});

export const putConfig = createRoute({
  ...common,
  method: "put",
  path: "/users/me/config",
  summary: "Update Current User Preferences",
  description:
    "Per section: an object replaces that section's overrides, null clears them, an absent section stays. " +
    "`api_key`: a string sets it (stored encrypted), null deletes it, absent keeps it. Send `If-Match` with " +
    "the ETag from GET to get 412 instead of overwriting a concurrent change.",
  request: {
    headers: z.object({ "if-match": z.string().max(100).optional() }),
    body: jsonBody(PreferencesUpdateSchema),
  },
  responses: {
    200: jsonContent(PreferencesViewSchema, "Updated preferences"),
    403: errorResponse("The group policy does not allow this provider, model or setting"),
    412: errorResponse("ETag mismatch"),
    503: errorResponse("ENCRYPTION_KEY not configured"),
    ...authErrorResponses,
  },
});

export const listProviders = createRoute({
  ...common,
  method: "get",
  path: "/users/me/config/providers",
  summary: "List providers",
  request: { query: ProvidersQuery },
  responses: {
    200: jsonContent(z.object({ data: z.array(ProviderInfoSchema) }), "Providers"),
    ...authErrorResponses,
  },
});

export const listModels = createRoute({
  ...common,
  method: "get",
  path: "/users/me/config/models",
  summary: "List models of a provider",
  description:
    "Live from the provider when a key is available (cached in KV for 10 minutes), else the static list.",
  request: { query: ModelsQuery },
  responses: {
    200: jsonContent(ModelListSchema, "Models"),
    404: errorResponse("Unknown provider in this section"),
    ...authErrorResponses,
  },
});

export const verifyRoute = (section: Section) =>
  createRoute({
    ...common,
    method: "post",
    path: `/users/me/config/verify_${section}`,
    summary: `Verify ${section.toUpperCase()}`,
    description:
      "One cheap authenticated request to the provider, as it documents. Without `api_key` the stored key is used. " +
      "The provider's own answer is never passed on.",
    request: { body: jsonBody(VerifyRequestSchema) },
    responses: {
      200: jsonContent(VerifyResultSchema, "Verification result"),
      404: errorResponse("Unknown provider in this section"),
      429: errorResponse("Too many verifications"),
      ...authErrorResponses,
    },
  });

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
  request: { query: z.object({ dry_run: z.enum(["true", "false"]).default("false") }) },
  responses: {
    200: jsonContent(ImportResultSchema, "Import result"),
    400: errorResponse("Not valid YAML"),
    403: errorResponse("Policy refusal"),
    413: errorResponse("File too large"),
    415: errorResponse("Not multipart/form-data"),
    ...authErrorResponses,
  },
});
