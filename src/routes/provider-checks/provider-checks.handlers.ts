import { AppError, invalid, ValidationError } from "../../core/errors";
import { boundedFetch } from "../../domain/preferences/outbound";
import {
  allowedModels,
  assertProviderAllowed,
  providerOr404,
  resolveProviderCall,
} from "../../domain/preferences/provider-access";
import type { Section } from "../../domain/preferences/provider-catalog";
import { authHeaders, classify, parseModelList, verifyKey } from "../../domain/preferences/provider-client";
import type { AppRouteHandler } from "../../http/app-env";
import { myProviderCallContext } from "../../http/preferences-request";
import { throttle } from "../../http/rate-limit";
import { MODEL_CACHE_TTL_SECONDS, modelCacheKey } from "../../storage/model-cache";
import type { listModels, verifyRoute } from "./provider-checks.routes";

export const verifyHandler =
  (section: Section): AppRouteHandler<ReturnType<typeof verifyRoute>> =>
  async (c) => {
    const body = c.req.valid("json");
    const entry = providerOr404(section, body.provider);
    const ctx = myProviderCallContext(c);
    // Per user, not per client: it bounds the outbound calls made on one account's behalf.
    await throttle(
      c.env.VERIFY_LIMITER,
      `verify:${ctx.user.id}`,
      "Too many verifications; try again in a minute",
    );
    const call = await resolveProviderCall(ctx, section, entry, body, 64 * 1024);
    if (entry.keyRequired && !call.key) {
      throw invalid(["body", "api_key"], `No API key given or stored for '${entry.id}' at this base_url`);
    }
    const result = await verifyKey(entry, call.baseUrl, call.key, call.outbound);
    const { status, detail } = classify(entry, result);
    const listedHere = entry.models && entry.models.path === entry.verify.path && result.kind === "response";
    const models = listedHere && entry.models ? parseModelList(entry.models, result.body) : null;
    return c.json(
      {
        ok: status === "valid",
        provider: entry.id,
        section,
        status,
        ...(result.kind === "response" ? { http_status: result.status } : {}),
        latency_ms: result.latencyMs,
        ...(status === "valid" && body.model && models
          ? { model_available: models.includes(body.model) }
          : {}),
        detail,
      },
      200,
    );
  };

export const listModelsHandler: AppRouteHandler<typeof listModels> = async (c) => {
  const { provider_name, section } = c.req.valid("query");
  const entry = providerOr404(section, provider_name);
  const ctx = myProviderCallContext(c);
  const allowed = (models: string[]) => allowedModels(ctx.user, section, entry.id, models);
  const staticList = {
    section,
    provider: entry.id,
    models: allowed(entry.staticModels),
    ...(entry.voices ? { voices: entry.voices } : {}),
  };
  const fallback = () => c.json({ ...staticList, source: "static" as const, cached: false }, 200);
  // The policy applies before anything else: a closed provider is a 403, not an empty list.
  assertProviderAllowed(ctx.user, section, entry.id);
  if (!entry.models) return fallback();
  const cacheKey = await modelCacheKey(ctx.user.id, section, entry.id);
  const cached = await c.var.kv.getJson<string[]>(cacheKey);
  if (cached)
    return c.json({ ...staticList, models: allowed(cached), source: "live" as const, cached: true }, 200);
  // No usable base URL (missing or refused) or no key: the static list, as without a key.
  const call = await resolveProviderCall(ctx, section, entry, {}, 2 * 1024 * 1024).catch((error: unknown) => {
    if (
      error instanceof ValidationError ||
      (error instanceof AppError && error.code === "base_url_refused")
    ) {
      return null;
    }
    throw error;
  });
  if (!call || (entry.keyRequired && !call.key)) return fallback();
  const result = await boundedFetch(
    `${call.baseUrl}${entry.models.path}`,
    authHeaders(entry, call.key),
    call.outbound,
  );
  const models =
    result.kind === "response" && result.status === 200 ? parseModelList(entry.models, result.body) : null;
  if (!models) return fallback();
  await c.var.kv.put(cacheKey, JSON.stringify(models), { expirationTtl: MODEL_CACHE_TTL_SECONDS });
  return c.json({ ...staticList, models: allowed(models), source: "live" as const, cached: false }, 200);
};
