import { createRoute } from "@hono/zod-openapi";
import { requireServiceScope } from "../../http/credentials/api-key";
import { scopedRoute } from "../../http/credentials/scopes";
import { errorResponses, jsonBody, jsonContent, serviceSecurity } from "../../http/schemas/common";
import { preferenceErrors as e } from "../../http/schemas/preferences";
import {
  ClientTokenRequestSchema,
  ClientTokenSchema,
  MyClientTokenParams,
  ResolvedConfigSchema,
  ResolvedParams,
  ResolvedQuery,
  UserClientTokenParams,
} from "./app-access.schemas";

const tags = ["Apps"];
const mintErrors = {
  403: `${e.notAllowed}; or the user is disabled (\`account_disabled\`)`,
  404: "No such user, or one outside the service account's groups (`not_found`)",
  409:
    "No usable stored key (`no_provider_key`), or the provider has no short-lived credential " +
    "(`client_token_unsupported`, naming the alternative)",
  422: e.baseUrlRefused,
  429: "Too many credentials minted (`rate_limited`); see Retry-After",
  502: "The provider refused or failed (`provider_failed`); its answer is not passed on",
  503: `${e.keysUnavailable}; or ${e.unreadable}`,
};
const serviceErrors = (scope: string) =>
  `The service account key lacks \`${scope}\` (\`insufficient_scope\`)`;

export const resolvedConfig = createRoute({
  tags,
  security: serviceSecurity("config:resolve"),
  middleware: requireServiceScope("config:resolve"),
  operationId: "getResolvedConfig",
  method: "get",
  path: "/users/{uid}/config/resolved",
  summary: "A user's resolved configuration, with the provider key (service accounts)",
  description:
    "For app backends: the effective provider, model, base URL and options of one section under the user's " +
    "group policy as it is now (blocked values are never returned), and the decrypted provider key when the " +
    "policy allows it and it was saved for that base URL. Every read is audited (`service.config_resolved`: " +
    "which service account and key, which user and section, when, from where) and rate-limited per service account. " +
    "A service account limited to groups (`group_ids`) sees only their members; any other user is 404.",
  request: { params: ResolvedParams, query: ResolvedQuery },
  responses: {
    200: jsonContent(ResolvedConfigSchema, "The resolved section"),
    ...errorResponses({
      auth: "user",
      beforePasswordChange: true,
      params: true,
      errors: {
        403: `${serviceErrors("config:resolve")}; or the user is disabled (\`account_disabled\`)`,
        404: "No such user, or one outside the service account's groups (`not_found`)",
        422: e.baseUrlRefused,
        429: "Too many reads (`rate_limited`); see Retry-After",
        503: `${e.keysUnavailable}; or ${e.unreadable}`,
      },
    }),
  },
});

const mintDescription =
  "Asks the user's effective provider for this section, with the stored key, for a short-lived credential a " +
  "browser may hold, and returns only that (OpenAI realtime client secret, Deepgram grant, ElevenLabs " +
  "single-use token, AssemblyAI streaming token). Other providers answer 409 `client_token_unsupported`. " +
  "The group policy and the key's base-URL binding apply; rate-limited; audited.";

export const mintMyClientToken = createRoute({
  tags,
  ...scopedRoute("credentials:mint"),
  operationId: "createClientToken",
  method: "post",
  path: "/users/me/config/{section}/client_token",
  summary: "Mint a short-lived provider credential for the browser",
  description: mintDescription,
  request: { params: MyClientTokenParams, body: jsonBody(ClientTokenRequestSchema) },
  responses: {
    200: jsonContent(ClientTokenSchema, "The short-lived credential"),
    ...errorResponses({
      auth: "user",
      scope: "credentials:mint",
      body: "json",
      params: true,
      errors: { ...mintErrors, 403: e.notAllowed, 404: e.unknownProvider },
    }),
  },
});

export const mintUserClientToken = createRoute({
  tags,
  security: serviceSecurity("credentials:mint"),
  middleware: requireServiceScope("credentials:mint"),
  operationId: "createUserClientToken",
  method: "post",
  path: "/users/{uid}/config/{section}/client_token",
  summary: "Mint a short-lived provider credential on a user's behalf (service accounts)",
  description: `${mintDescription} For a service account with \`credentials:mint\`, on behalf of the user \`uid\`.`,
  request: { params: UserClientTokenParams, body: jsonBody(ClientTokenRequestSchema) },
  responses: {
    200: jsonContent(ClientTokenSchema, "The short-lived credential"),
    ...errorResponses({
      auth: "user",
      beforePasswordChange: true,
      body: "json",
      params: true,
      errors: { ...mintErrors, 403: `${serviceErrors("credentials:mint")}; or ${mintErrors[403]}` },
    }),
  },
});
