import type { Context } from "hono";
import { loadKeyRing } from "../../domain/preferences/key-encryption";
import type { OutboundPolicy } from "../../domain/preferences/outbound";
import type { PreferencesView } from "../../domain/preferences/preferences-service";
import { SECTIONS, type Section } from "../../domain/preferences/provider-catalog";
import { readSystemDefaults } from "../../domain/preferences/system-defaults";
import type { AppEnv } from "../../http/app-env";

/** Deployment settings the preference routes share, read from bindings in one place. */
export const systemDefaults = (c: Context<AppEnv>) => readSystemDefaults(c.env.SYSTEM_DEFAULTS);

export function outboundPolicy(c: Context<AppEnv>, maxBytes: number): OutboundPolicy {
  const timeout = Number(c.env.PROVIDER_TIMEOUT_MS);
  return {
    allowPrivate: c.env.ALLOW_PRIVATE_PROVIDER_URLS === "true",
    timeoutMs: Number.isInteger(timeout) && timeout > 0 ? timeout : 8000,
    maxBytes,
  };
}

export const keyRing = (c: Context<AppEnv>) => loadKeyRing(c.env.ENCRYPTION_KEY);

/** The ETag of a preferences version: strong, quoted. */
export const etagOf = (version: number) => `"v${version}"`;

export function parseIfMatch(header: string | undefined): number | undefined {
  if (!header) return undefined;
  const match = /^"v(\d{1,12})"$/.exec(header.trim());
  return match ? Number(match[1]) : -1; // an unknown tag can never match: 412
}

/** The wire form of a view: overrides per section (null when unset) and the effective result. */
export function toWire(view: PreferencesView) {
  const override = (section: Section) => {
    const o = view.overrides[section];
    if (!o) return null;
    const key = view.keys[section].find((k) => k.provider === o.provider);
    return {
      provider: o.provider,
      model: o.model ?? null,
      base_url: o.base_url ?? null,
      options: o.options ?? {},
      api_key: { set: Boolean(key), last4: key?.last4 ?? null },
    };
  };
  const overrides = { llm: override("llm"), tts: override("tts"), stt: override("stt") };
  return { version: view.version, overrides, effective: view.effective };
}

export const sectionsOf = () => SECTIONS;
