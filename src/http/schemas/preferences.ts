import { z } from "@hono/zod-openapi";
import { KEY_STATUSES } from "../../db/schema";
import { OptionsSchema } from "../../domain/preferences/preference-schemas";
import type { PreferencesView } from "../../domain/preferences/preferences-service";
import { bySection, SECTIONS, type Section } from "../../domain/preferences/provider-catalog";
import type { UserWithGroup } from "../../storage/users";

/** Wire shapes of preferences shared by the preference resources (view, import result, queries). */
export const SectionQuery = z.enum(SECTIONS);

const layer = z.enum(["system", "group", "user"]).nullable();
const sourced = <T extends z.ZodType>(value: T) => z.object({ value, source: layer });
const KeyStateSchema = z.object({ set: z.boolean(), last4: z.string().nullable() }).openapi("ApiKeyState");

const BlockedValueSchema = z
  .object({
    field: z.enum(["provider", "model", "base_url", "api_key"]),
    value: z.string(),
    layer: z.enum(["system", "group", "user"]),
    reason: z.string(),
    policy: z.object({ group_id: z.string(), group_name: z.string() }),
  })
  .openapi("BlockedValue", {
    description: "A value a layer sets that the group policy refuses now: reported, not applied.",
  });

const EffectiveSectionSchema = z
  .object({
    provider: sourced(z.string().nullable()),
    model: sourced(z.string().nullable()).extend({
      unavailable: z.boolean().openapi({
        description: "The provider's live model list no longer offered this model at the last key check.",
      }),
    }),
    base_url: sourced(z.string().nullable()),
    options: sourced(OptionsSchema),
    api_key: KeyStateSchema.extend({
      source: layer,
      status: z.enum(KEY_STATUSES).nullable().openapi({
        description: "Key health from the scheduled re-verification; null until checked (docs/apps.md).",
      }),
      checked_at: z.string().nullable(),
    }),
    blocked: z.array(BlockedValueSchema),
  })
  .openapi("EffectiveSection");

const OverrideViewSchema = z
  .object({
    provider: z.string(),
    model: z.string().nullable(),
    base_url: z.string().nullable(),
    options: OptionsSchema,
    api_key: KeyStateSchema,
  })
  .nullable()
  .openapi("SectionOverrideView");

export const PreferencesViewSchema = z
  .object({
    version: z.number().int(),
    overrides: z.object(bySection(() => OverrideViewSchema)),
    effective: z.object(bySection(() => EffectiveSectionSchema)),
  })
  .openapi("Preferences");

/** The wire form of a view: overrides per section (null when unset) and the effective result. */
export function toPreferencesWire(
  view: PreferencesView,
  user: UserWithGroup,
): z.infer<typeof PreferencesViewSchema> {
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
  const policy = { group_id: user.group.id, group_name: user.group.name };
  const effective = bySection((section) => {
    const e = view.effective[section];
    return { ...e, blocked: e.blocked.map((b) => ({ ...b, policy })) };
  });
  return { version: view.version, overrides: bySection(override), effective };
}

/** The ETag of a preferences version: strong, quoted. */
export const etagOf = (version: number) => `"v${version}"`;

/** The version an If-Match names; -1 for a tag we never issued (it can never match: 412). */
export function parseIfMatch(header: string | undefined): number | undefined {
  if (!header) return undefined;
  const match = /^"v(\d{1,12})"$/.exec(header.trim());
  return match ? Number(match[1]) : -1;
}

/** What the preference routes' own errors mean, shared by their OpenAPI declarations. */
export const preferenceErrors = {
  unreadable:
    "Stored preferences or group policy unreadable (`preferences_unreadable`, `policy_unreadable`), or " +
    "SYSTEM_DEFAULTS malformed (`misconfigured`)",
  keysUnavailable: "ENCRYPTION_KEY missing or malformed (`encryption_not_configured`)",
  unknownProvider: "Unknown provider in this section (`unknown_provider`)",
  notAllowed: "The group policy does not allow this provider, model or setting (`policy_forbidden`)",
  baseUrlRefused: "The provider base URL is refused by the outbound guard (`base_url_refused`)",
} as const;
