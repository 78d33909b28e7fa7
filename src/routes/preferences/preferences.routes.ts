import { createRoute, z } from "@hono/zod-openapi";
import { PreferencesUpdateSchema } from "../../domain/preferences/preference-schemas";
import { requireAdmin, requireUser } from "../../http/authenticate";
import {
  authErrorResponses,
  errorResponse,
  jsonBody,
  jsonContent,
  sessionSecurity,
} from "../../http/schemas/common";
import { PreferencesViewSchema } from "../../http/schemas/preferences";
import { ProviderInfoSchema, ProvidersQuery } from "./preferences.schemas";

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
