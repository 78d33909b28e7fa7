import { createRoute, z } from "@hono/zod-openapi";
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
  ModelListSchema,
  ModelsQuery,
  VerifyRequestSchema,
  VerifyResultSchema,
} from "./provider-checks.schemas";

const tags = ["Preferences"];
const common = { tags, security: sessionSecurity, middleware: requireUser };

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
