import { createRoute, z } from "@hono/zod-openapi";
import { PreferencesUpdateSchema } from "../../domain/preferences/preference-schemas";
import { scopedRoute } from "../../http/credentials/scopes";
import { errorResponses, jsonBody, jsonContent } from "../../http/schemas/common";
import { preferenceErrors as e, PreferencesViewSchema } from "../../http/schemas/preferences";
import { ProviderInfoSchema, ProvidersQuery } from "./preferences.schemas";

const tags = ["Preferences"];
const read = { tags, ...scopedRoute("preferences:read") };
const write = { tags, ...scopedRoute("preferences:write") };

export const getConfig = createRoute({
  ...read,
  operationId: "getPreferences",
  method: "get",
  path: "/users/me/config",
  summary: "Get Current User Preferences",
  description:
    "The user's overrides and the effective configuration, each value with the layer it came from. Sends an ETag.",
  responses: {
    200: jsonContent(PreferencesViewSchema, "Preferences"),
    ...errorResponses({ auth: "user", scope: "preferences:read", errors: { 503: e.unreadable } }),
  },
});

export const putConfig = createRoute({
  ...write,
  operationId: "updatePreferences",
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
    ...errorResponses({
      auth: "user",
      scope: "preferences:write",
      body: "json",
      params: true,
      errors: {
        403: e.notAllowed,
        412: "ETag mismatch (`precondition_failed`)",
        503: `${e.keysUnavailable}; or ${e.unreadable}`,
      },
    }),
  },
});

export const listProviders = createRoute({
  ...read,
  operationId: "listProviders",
  method: "get",
  path: "/users/me/config/providers",
  summary: "List providers",
  request: { query: ProvidersQuery },
  responses: {
    200: jsonContent(z.object({ data: z.array(ProviderInfoSchema) }), "Providers"),
    ...errorResponses({
      auth: "user",
      scope: "preferences:read",
      params: true,
      errors: { 503: e.unreadable },
    }),
  },
});
