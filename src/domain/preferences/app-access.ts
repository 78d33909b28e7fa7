import { AppError, invalid } from "../../core/errors";
import type { BlockedValue } from "./layering";
import { boundedFetch } from "./outbound";
import type { ProviderOptions } from "./preference-schemas";
import { type ProviderCallContext, providerOr404, resolveProviderCall } from "./provider-access";
import type { ClientTokenSpec, ProviderEntry, Section } from "./provider-catalog";
import { authHeaders, classify, jsonField } from "./provider-client";

/**
 * What apps get from a user's preferences (docs/apps.md): the resolved configuration of one section
 * with the decrypted provider key, for a backend; and a short-lived client credential minted with
 * that key, for a browser. Both go through `resolveProviderCall`, so the group policy as it is now
 * and the key's binding to its base URL hold exactly as for the user's own calls.
 */

export interface ResolvedSection {
  section: Section;
  provider: string | null;
  model: string | null;
  base_url: string | null;
  options: ProviderOptions;
  /** The decrypted key, only when allowed by the policy and saved for `base_url`. */
  api_key: string | null;
  blocked: BlockedValue[];
}

export async function resolveSectionConfig(
  ctx: ProviderCallContext,
  section: Section,
): Promise<ResolvedSection> {
  const effective = ctx.view.effective[section];
  const base = {
    section,
    provider: effective.provider.value,
    model: effective.model.value,
    options: effective.options.value,
    blocked: effective.blocked,
  };
  if (!effective.provider.value) return { ...base, base_url: null, api_key: null };
  const entry = providerOr404(section, effective.provider.value);
  const call = await resolveProviderCall(ctx, section, entry, {}, 0);
  return { ...base, base_url: call.baseUrl, api_key: call.key };
}

export interface ClientTokenRequest {
  model?: string;
  ttl_seconds?: number;
}

export interface ClientToken {
  section: Section;
  provider: string;
  token: string;
  expires_at: string;
  single_use: boolean;
  usage: string;
}

/** The answer of a provider without a client-credential mechanism: what to do instead. */
const unsupported = (entry: ProviderEntry, section: Section) =>
  new AppError(
    "client_token_unsupported",
    `${entry.name} (${section}) has no short-lived client credential: call it from a backend with the ` +
      "user's resolved configuration (a service account's GET /api/v1/users/{uid}/config/resolved), never from the browser",
  );

/** Asks the user's effective provider, with the stored key, for a short-lived credential. */
export async function mintClientToken(
  ctx: ProviderCallContext,
  section: Section,
  request: ClientTokenRequest,
): Promise<ClientToken> {
  const effective = ctx.view.effective[section];
  if (!effective.provider.value)
    throw new AppError("no_provider_key", `No ${section} provider is configured for this user`);
  const entry = providerOr404(section, effective.provider.value);
  const spec = entry.clientToken;
  if (!spec) throw unsupported(entry, section);
  const ttl = lifetime(spec, request.ttl_seconds);
  const model = request.model ?? effective.model.value;
  if (spec.needsModel && !model)
    throw invalid(["body", "model"], `${entry.name} needs a model for this credential`);
  // The policy (provider, and an explicit model) and the key's binding, as for every provider call.
  const call = await resolveProviderCall(ctx, section, entry, { model: request.model }, 16 * 1024);
  // The credential endpoint is the provider's own host: only a key saved for its default URL goes there.
  if (!call.key || call.baseUrl !== entry.baseUrl)
    throw new AppError("no_provider_key", `No stored ${entry.name} key usable for ${section}`);
  const url = spec.url.replace("{ttl}", String(ttl ?? ""));
  const json = spec.body === undefined ? undefined : fillTemplate(spec.body, { ttl, model });
  const result = await boundedFetch(
    url,
    authHeaders(entry, call.key),
    call.outbound,
    spec.method === "POST" ? { method: "POST", json } : undefined,
  );
  const { status } = classify(entry, result);
  const answer = result.kind === "response" && status === "valid" ? parseJson(result.body) : null;
  const token = answer === null ? undefined : jsonField(answer, spec.answer.token);
  if (typeof token !== "string" || token === "") {
    throw new AppError(
      "provider_failed",
      `${entry.name} did not issue a credential (${status === "valid" ? "unreadable answer" : status})`,
    );
  }
  return {
    section,
    provider: entry.id,
    token,
    expires_at: expiry(spec, answer, ttl),
    single_use: spec.singleUse ?? false,
    usage: spec.usage,
  };
}

function lifetime(spec: ClientTokenSpec, asked: number | undefined): number | undefined {
  if (!spec.ttl) {
    if (asked !== undefined)
      throw invalid(
        ["body", "ttl_seconds"],
        `This provider fixes the lifetime (${spec.fixedSeconds ?? 0} s)`,
      );
    return undefined;
  }
  const ttl = asked ?? spec.ttl.default;
  if (ttl < spec.ttl.min || ttl > spec.ttl.max)
    throw invalid(["body", "ttl_seconds"], `ttl_seconds must be from ${spec.ttl.min} to ${spec.ttl.max}`);
  return ttl;
}

function expiry(spec: ClientTokenSpec, answer: unknown, ttl: number | undefined): string {
  const now = Date.now();
  const at = spec.answer.expiresAt ? jsonField(answer, spec.answer.expiresAt) : undefined;
  if (typeof at === "number") return new Date(at * 1000).toISOString();
  const inSeconds = spec.answer.expiresIn ? jsonField(answer, spec.answer.expiresIn) : undefined;
  const seconds = typeof inSeconds === "number" ? inSeconds : (ttl ?? spec.fixedSeconds ?? 0);
  return new Date(now + seconds * 1000).toISOString();
}

/** The body template with `"{ttl}"` and `"{model}"` strings replaced by their values. */
function fillTemplate(template: unknown, values: { ttl: number | undefined; model: string | null }): unknown {
  if (template === "{ttl}") return values.ttl;
  if (template === "{model}") return values.model;
  if (Array.isArray(template)) return template.map((item) => fillTemplate(item, values));
  if (typeof template === "object" && template !== null) {
    return Object.fromEntries(Object.entries(template).map(([k, v]) => [k, fillTemplate(v, values)]));
  }
  return template;
}

function parseJson(body: string): unknown {
  try {
    return JSON.parse(body);
  } catch {
    return null;
  }
}
