import { createRoute } from "@hono/zod-openapi";
import type { Section } from "../../domain/preferences/provider-catalog";
import { scopedRoute } from "../../http/credentials/scopes";
import { errorResponses, jsonBody, jsonContent } from "../../http/schemas/common";
import { preferenceErrors as e } from "../../http/schemas/preferences";
import {
  ModelListSchema,
  ModelsQuery,
  VerifyRequestSchema,
  VerifyResultSchema,
} from "./provider-checks.schemas";

const tags = ["Preferences"];
const read = { tags, ...scopedRoute("preferences:read") };
const write = { tags, ...scopedRoute("preferences:write") };

export const listModels = createRoute({
  ...read,
  operationId: "listModels",
  method: "get",
  path: "/users/me/config/models",
  summary: "List models of a provider",
  description:
    "Live from the provider when a key is available (cached in KV for 10 minutes), else the static list.",
  request: { query: ModelsQuery },
  responses: {
    200: jsonContent(ModelListSchema, "Models"),
    ...errorResponses({
      auth: "user",
      scope: "preferences:read",
      params: true,
      errors: {
        403: e.notAllowed,
        404: e.unknownProvider,
        422: e.baseUrlRefused,
        503: `${e.keysUnavailable}; or ${e.unreadable}`,
      },
    }),
  },
});

export const verifyRoute = (section: Section) =>
  createRoute({
    ...write,
    operationId: `verify${section.charAt(0).toUpperCase()}${section.slice(1)}Provider`,
    method: "post",
    path: `/users/me/config/verify_${section}`,
    summary: `Verify ${section.toUpperCase()}`,
    description:
      "One cheap authenticated request to the provider, as it documents. Without `api_key` the stored key is used. " +
      "The provider's own answer is never passed on.",
    request: { body: jsonBody(VerifyRequestSchema) },
    responses: {
      200: jsonContent(VerifyResultSchema, "Verification result"),
      ...errorResponses({
        auth: "user",
        scope: "preferences:write",
        body: "json",
        errors: {
          403: e.notAllowed,
          404: e.unknownProvider,
          422: e.baseUrlRefused,
          429: "Too many verifications (`rate_limited`); see Retry-After",
          503: `${e.keysUnavailable}; or ${e.unreadable}`,
        },
      }),
    },
  });
