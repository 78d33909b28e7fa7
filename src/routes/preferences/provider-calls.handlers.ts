import type { Context } from "hono";
import { AppError, invalid } from "../../core/errors";
import { parseStoredPolicy } from "../../domain/preferences/group-policy";
import { decryptSecret, keyContext } from "../../domain/preferences/key-encryption";
import { boundedFetch, checkBaseUrl, type OutboundPolicy } from "../../domain/preferences/outbound";
import { isProviderAllowed } from "../../domain/preferences/policy-check";
import { loadPreferences } from "../../domain/preferences/preferences-service";
import { findProvider, type ProviderEntry, type Section } from "../../domain/preferences/provider-catalog";
import { authHeaders, classify, parseModelList, verifyKey } from "../../domain/preferences/provider-client";
import type { AppEnv, AppRouteHandler } from "../../http/app-env";
import { MODEL_CACHE_TTL_SECONDS, modelCacheKey } from "../../storage/model-cache";
import { findKey } from "../../storage/user-api-keys";
import type { listModels, verifyRoute } from "./preferences.routes";
import { keyRing, outboundPolicy, systemDefaults } from "./preferences-context";

type Ctx = Context<AppEnv>;

function providerOr404(section: Section, provider: string): ProviderEntry {
  const entry = findProvider(section, provider);
  if (!entry) throw new AppError("unknown_provider", `Unknown ${section} provider '${provider}'`);
  return entry;
}

function assertProviderAllowed(c: Ctx, section: Section, provider: string) {
  if (!isProviderAllowed(parseStoredPolicy(c.var.auth.user.group.policy), section, provider)) {
    throw new AppError("policy_forbidden", `Your group does not allow the ${section} provider '${provider}'`);
  }
}

/** The stored key for this provider, decrypted, or null. */
async function storedKey(c: Ctx, section: Section, provider: string): Promise<string | null> {
  const row = await findKey(c.var.db, c.var.auth.user.id, section, provider);
  if (!row) return null;
  return decryptSecret(
    await keyRing(c),
    row.keyId,
    row.ciphertext,
    keyContext(row.userId, section, provider),
  );
}

/** Explicit base URL, else the user's effective one for this provider, else the catalog default. */
function resolveBaseUrl(
  c: Ctx,
  section: Section,
  entry: ProviderEntry,
  explicit: string | undefined,
  policy: OutboundPolicy,
) {
  if (explicit && !entry.customBaseUrl)
    throw invalid(["body", "base_url"], `Provider '${entry.id}' does not take a custom base_url`);
  const effective = loadPreferences(c.var.auth.user, c.var.auth.preferences, systemDefaults(c)).effective[
    section
  ];
  const sameProvider = effective.provider.value === entry.id ? effective.base_url.value : null;
  const url = explicit ?? sameProvider ?? entry.baseUrl;
  if (!url) throw invalid(["body", "base_url"], `Provider '${entry.id}' needs a base_url`);
  return checkBaseUrl(url, policy);
}

export const verifyHandler =
  (section: Section): AppRouteHandler<ReturnType<typeof verifyRoute>> =>
  async (c) => {
    const body = c.req.valid("json");
    const entry = providerOr404(section, body.provider);
    assertProviderAllowed(c, section, entry.id);
    const { success } = await c.env.VERIFY_LIMITER.limit({ key: `verify:${c.var.auth.user.id}` });
    if (!success)
      throw new AppError("rate_limited", "Too many verifications; try again in a minute", {
        "Retry-After": "60",
      });
    const policy = outboundPolicy(c, 64 * 1024);
    const baseUrl = resolveBaseUrl(c, section, entry, body.base_url, policy);
    const key = body.api_key ?? (await storedKey(c, section, entry.id));
    if (entry.keyRequired && !key)
      throw invalid(["body", "api_key"], `No API key given or stored for '${entry.id}'`);
    const result = await verifyKey(entry, baseUrl, key, policy);
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
  const staticList = {
    section,
    provider: entry.id,
    models: entry.staticModels,
    ...(entry.voices ? { voices: entry.voices } : {}),
  };
  if (!entry.models) return c.json({ ...staticList, source: "static" as const, cached: false }, 200);

  const cacheKey = await modelCacheKey(c.var.auth.user.id, section, entry.id);
  const cached = await c.var.kv.getJson<string[]>(cacheKey);
  if (cached) return c.json({ ...staticList, models: cached, source: "live" as const, cached: true }, 200);

  const key = await storedKey(c, section, entry.id);
  if (entry.keyRequired && !key)
    return c.json({ ...staticList, source: "static" as const, cached: false }, 200);
  const policy = outboundPolicy(c, 2 * 1024 * 1024);
  let baseUrl: string;
  try {
    baseUrl = resolveBaseUrl(c, section, entry, undefined, policy);
  } catch {
    return c.json({ ...staticList, source: "static" as const, cached: false }, 200);
  }
  const result = await boundedFetch(`${baseUrl}${entry.models.path}`, authHeaders(entry, key), policy);
  const models =
    result.kind === "response" && result.status === 200 ? parseModelList(entry.models, result.body) : null;
  if (!models) return c.json({ ...staticList, source: "static" as const, cached: false }, 200);
  await c.var.kv.put(cacheKey, JSON.stringify(models), { expirationTtl: MODEL_CACHE_TTL_SECONDS });
  return c.json({ ...staticList, models, source: "live" as const, cached: false }, 200);
};
