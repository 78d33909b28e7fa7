import { AppError, invalid } from "../../core/errors";
import type { ServiceConfig } from "../../core/settings";
import type { Database } from "../../db/client";
import { findKey } from "../../storage/user-api-keys";
import type { UserWithGroup } from "../../storage/users";
import { parseStoredPolicy } from "./group-policy";
import { decryptSecret, type KeyRing, keyContext } from "./key-encryption";
import { checkBaseUrl, type OutboundPolicy } from "./outbound";
import { assertAllowed, policyRules } from "./policy-check";
import type { PreferencesView } from "./preferences-service";
import { findProvider, type ProviderEntry, type Section } from "./provider-catalog";

/**
 * What an outbound call to a provider on a user's behalf may use, decided under the group policy
 * as it is now: the provider must be allowed; an explicit base URL, model or key must be allowed;
 * a stored key is sent only to the URL it was saved for (a secret follows its destination).
 */
export interface ProviderCallContext {
  db: Database;
  user: UserWithGroup;
  view: PreferencesView;
  config: ServiceConfig;
  keyRing: () => Promise<KeyRing>;
}

export interface ProviderCall {
  entry: ProviderEntry;
  baseUrl: string;
  key: string | null;
  outbound: OutboundPolicy;
}

export interface ExplicitChoice {
  base_url?: string;
  api_key?: string;
  model?: string;
}

export function providerOr404(section: Section, provider: string): ProviderEntry {
  const entry = findProvider(section, provider);
  if (!entry) throw new AppError("unknown_provider", `Unknown ${section} provider '${provider}'`);
  return entry;
}

export function outboundPolicy(config: ServiceConfig, maxBytes: number): OutboundPolicy {
  return { allowPrivate: config.allowPrivateProviderUrls, timeoutMs: config.providerTimeoutMs, maxBytes };
}

export async function resolveProviderCall(
  ctx: ProviderCallContext,
  section: Section,
  entry: ProviderEntry,
  explicit: ExplicitChoice,
  maxBytes: number,
): Promise<ProviderCall> {
  const policy = parseStoredPolicy(ctx.user.group.policy);
  assertAllowed(policy, section, {
    provider: entry.id,
    model: explicit.model,
    base_url: explicit.base_url,
    usesKey: explicit.api_key !== undefined,
  });
  if (explicit.base_url && !entry.customBaseUrl) {
    throw invalid(["body", "base_url"], `Provider '${entry.id}' does not take a custom base_url`);
  }
  const outbound = outboundPolicy(ctx.config, maxBytes);
  const effective = ctx.view.effective[section];
  const effectiveUrl = effective.provider.value === entry.id ? effective.base_url.value : null;
  const raw = explicit.base_url ?? effectiveUrl ?? entry.baseUrl;
  if (!raw) throw invalid(["body", "base_url"], `Provider '${entry.id}' needs a base_url`);
  const baseUrl = checkBaseUrl(raw, outbound);
  const key = explicit.api_key ?? (await storedKeyFor(ctx, section, entry, baseUrl, outbound));
  return { entry, baseUrl, key, outbound };
}

/** The stored key, decrypted, if user keys are allowed and it was saved for exactly `baseUrl`. */
async function storedKeyFor(
  ctx: ProviderCallContext,
  section: Section,
  entry: ProviderEntry,
  baseUrl: string,
  outbound: OutboundPolicy,
): Promise<string | null> {
  const info = ctx.view.keys[section].find((k) => k.provider === entry.id);
  if (!info || policyRules.api_key(parseStoredPolicy(ctx.user.group.policy), section)) return null;
  const savedFor = info.baseUrl ?? entry.baseUrl;
  if (!savedFor || checkBaseUrl(savedFor, outbound) !== baseUrl) return null;
  const row = await findKey(ctx.db, ctx.user.id, section, entry.id);
  if (!row) return null;
  return decryptSecret(
    await ctx.keyRing(),
    row.keyId,
    row.ciphertext,
    keyContext(row.userId, section, entry.id),
  );
}

/** 403 unless the user's group allows this provider now. */
export function assertProviderAllowed(user: UserWithGroup, section: Section, provider: string): void {
  assertAllowed(parseStoredPolicy(user.group.policy), section, { provider, usesKey: false });
}

/** The models a group policy lets members pick for this provider (all of `models` when unrestricted). */
export function allowedModels(
  user: UserWithGroup,
  section: Section,
  provider: string,
  models: string[],
): string[] {
  const policy = parseStoredPolicy(user.group.policy);
  return models.filter((m) => policyRules.model(policy, section, provider, m) === null);
}
