import type { GroupPolicy } from "./group-policy";
import {
  OptionsSchema,
  type ProviderOptions,
  type StoredOverrides,
  type StoredSection,
} from "./preference-schemas";
import type { Section } from "./provider-catalog";

export type Layer = "system" | "group" | "user";
export interface Sourced<T> {
  value: T;
  source: Layer | null;
}

export interface KeyInfo {
  provider: string;
  last4: string;
}

export interface EffectiveSection {
  provider: Sourced<string | null>;
  model: Sourced<string | null>;
  base_url: Sourced<string | null>;
  options: Sourced<ProviderOptions>;
  api_key: { set: boolean; last4: string | null; source: Layer | null };
}

export type EffectiveConfig = Record<Section, EffectiveSection>;

/**
 * Effective configuration = system defaults ← group policy defaults ← the user's overrides.
 * The provider comes from the highest layer that names one. Model, base_url and options are then
 * taken from the highest layer whose provider is that same provider (a layer naming another
 * provider says nothing about this one). Keys are only ever the user's own, for that provider.
 */
export function computeEffective(
  system: StoredOverrides,
  policy: GroupPolicy,
  user: StoredOverrides,
  keys: Record<Section, KeyInfo[]>,
): EffectiveConfig {
  const resolve = (section: Section): EffectiveSection => {
    const layers: [Layer, StoredSection | undefined][] = [
      ["user", user[section]],
      ["group", groupDefaults(policy, section)],
      ["system", system[section]],
    ];
    const providerLayer = layers.find(([, v]) => v?.provider);
    const provider = providerLayer?.[1]?.provider ?? null;
    const sameProvider = layers.filter(([, v]) => v?.provider === provider);
    const pick = <K extends "model" | "base_url">(field: K): Sourced<string | null> => {
      const hit = sameProvider.find(([, v]) => v?.[field] != null);
      return { value: hit?.[1]?.[field] ?? null, source: hit?.[0] ?? null };
    };
    const optionsHit = sameProvider.find(([, v]) => v?.options && Object.keys(v.options).length > 0);
    const key = keys[section].find((k) => k.provider === provider);
    return {
      provider: { value: provider, source: providerLayer?.[0] ?? null },
      model: pick("model"),
      base_url: pick("base_url"),
      options: { value: optionsHit?.[1]?.options ?? {}, source: optionsHit?.[0] ?? null },
      api_key: { set: Boolean(key), last4: key?.last4 ?? null, source: key ? "user" : null },
    };
  };
  return { llm: resolve("llm"), tts: resolve("tts"), stt: resolve("stt") };
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
