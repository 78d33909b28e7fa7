import type { KEY_STATUSES } from "../../db/schema";
import type { GroupPolicy } from "./group-policy";
import { type PolicyField, policyRules } from "./policy-check";
import {
  OptionsSchema,
  type ProviderOptions,
  type StoredOverrides,
  type StoredSection,
} from "./preference-schemas";
import { bySection, type Section } from "./provider-catalog";

export type Layer = "system" | "group" | "user";
export interface Sourced<T> {
  value: T;
  source: Layer | null;
}

/** A stored key's metadata: which provider it is for and the base URL it was saved for. */
export interface KeyInfo {
  provider: string;
  last4: string;
  /** The user's base_url override when the key was saved; null = the catalog's default URL. */
  baseUrl: string | null;
  /** Key health from the scheduled re-verification (null: not checked since saved). */
  keyStatus?: KeyStatus | null;
  checkedAt?: string | null;
  /** The saved model the provider's live list no longer offered at the last check. */
  missingModel?: string | null;
}

export type KeyStatus = (typeof KEY_STATUSES)[number];

/** A value a layer sets that the group policy refuses: reported, never applied. */
export interface BlockedValue {
  field: PolicyField;
  value: string;
  layer: Layer;
  reason: string;
}

export interface EffectiveSection {
  provider: Sourced<string | null>;
  /** `unavailable`: the provider's live list no longer offered this model at the last key check. */
  model: Sourced<string | null> & { unavailable: boolean };
  base_url: Sourced<string | null>;
  options: Sourced<ProviderOptions>;
  api_key: {
    set: boolean;
    last4: string | null;
    source: Layer | null;
    /** The last scheduled verification of the key (key health); null until checked. */
    status: KeyStatus | null;
    checked_at: string | null;
  };
  blocked: BlockedValue[];
}

export type EffectiveConfig = Record<Section, EffectiveSection>;

/**
 * Effective configuration = system defaults ← group policy defaults ← the user's overrides, with
 * the group policy applied as it is now (not only when the values were written): a value the
 * policy refuses is reported in `blocked` and the next allowed layer applies. The provider comes
 * from the highest layer that names an allowed one; model, base_url and options from the highest
 * layer naming that same provider whose value is allowed. The key is only ever the user's own,
 * for that provider, allowed by the policy, and saved for the same base URL.
 */
export function computeEffective(
  system: StoredOverrides,
  policy: GroupPolicy,
  user: StoredOverrides,
  keys: Record<Section, KeyInfo[]>,
): EffectiveConfig {
  return bySection((section) => resolveSection(section, system, policy, user, keys[section]));
}

type Candidates = [Layer, StoredSection | undefined][];

/** The first layer whose `field` is set and allowed; refused values are recorded in `blocked`. */
function firstAllowed<T>(
  candidates: Candidates,
  field: PolicyField,
  pick: (s: StoredSection) => T | null | undefined,
  refusal: (value: T) => string | null,
  blocked: BlockedValue[],
): [Layer, T] | null {
  for (const [layer, stored] of candidates) {
    const value = stored ? pick(stored) : undefined;
    if (value === null || value === undefined) continue;
    const reason = refusal(value);
    if (!reason) return [layer, value];
    blocked.push({ field, value: String(value), layer, reason });
  }
  return null;
}

const sourced = <T>(found: [Layer, T] | null): Sourced<T | null> => ({
  value: found?.[1] ?? null,
  source: found?.[0] ?? null,
});

function keySummary(key: KeyInfo | null): EffectiveSection["api_key"] {
  return {
    set: Boolean(key),
    last4: key?.last4 ?? null,
    source: key ? "user" : null,
    status: key?.keyStatus ?? null,
    checked_at: key?.checkedAt ?? null,
  };
}

function resolveSection(
  section: Section,
  system: StoredOverrides,
  policy: GroupPolicy,
  user: StoredOverrides,
  keys: KeyInfo[],
): EffectiveSection {
  const blocked: BlockedValue[] = [];
  const layers: Candidates = [
    ["user", user[section]],
    ["group", groupDefaults(policy, section)],
    ["system", system[section]],
  ];
  const provider = firstAllowed(
    layers,
    "provider",
    (s) => s.provider,
    (p) => policyRules.provider(policy, section, p),
    blocked,
  );
  const name = provider?.[1] ?? null;
  // Model, base URL and options only from layers that name the provider that applies.
  const same = layers.filter(([, s]) => name !== null && s?.provider === name);
  const model = firstAllowed(
    same,
    "model",
    (s) => s.model,
    (m) => (name ? policyRules.model(policy, section, name, m) : null),
    blocked,
  );
  const baseUrl = firstAllowed(
    same,
    "base_url",
    (s) => s.base_url,
    () => policyRules.base_url(policy, section),
    blocked,
  );
  const options = same.find(([, s]) => s?.options && Object.keys(s.options).length > 0);
  const key = usableKey(section, policy, keys, name, baseUrl?.[1] ?? null, blocked);
  return {
    provider: sourced(provider),
    model: { ...sourced(model), unavailable: Boolean(key?.missingModel && key.missingModel === model?.[1]) },
    base_url: sourced(baseUrl),
    options: { value: options?.[1]?.options ?? {}, source: options?.[0] ?? null },
    api_key: keySummary(key),
    blocked,
  };
}

/** The user's key for `provider`, if the policy allows user keys and it was saved for `baseUrl`. */
function usableKey(
  section: Section,
  policy: GroupPolicy,
  keys: KeyInfo[],
  provider: string | null,
  baseUrl: string | null,
  blocked: BlockedValue[],
): KeyInfo | null {
  const key = keys.find((k) => k.provider === provider);
  if (!key || key.baseUrl !== baseUrl) return null;
  const reason = policyRules.api_key(policy, section);
  if (!reason) return key;
  blocked.push({ field: "api_key", value: `****${key.last4}`, layer: "user", reason });
  return null;
}

function groupDefaults(policy: GroupPolicy, section: Section): StoredSection | undefined {
  const defaults = policy[section]?.defaults;
  if (!defaults?.provider) return undefined;
  const options = OptionsSchema.safeParse(defaults.options ?? {});
  return {
    provider: defaults.provider,
    model: defaults.model ?? null,
    options: options.success ? options.data : {},
  };
}
