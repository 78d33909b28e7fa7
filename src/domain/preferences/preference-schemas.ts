import { z } from "@hono/zod-openapi";
import { bySection, findProvider, SECTIONS, type Section } from "./provider-catalog";

/** Options a user may set; which ones apply depends on the provider (catalog `options`). */
export const OptionsSchema = z
  .strictObject({
    temperature: z.number().min(0).max(2).optional(),
    max_tokens: z.number().int().min(1).max(1_000_000).optional(),
    voice: z.string().min(1).max(100).optional(),
    speed: z.number().min(0.25).max(4).optional(),
    language: z
      .string()
      .regex(/^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/, "A language code such as en or en-US")
      .optional(),
  })
  .openapi("ProviderOptions");

export type ProviderOptions = z.infer<typeof OptionsSchema>;

const baseUrlField = z.url({ protocol: /^https?$/, message: "base_url must be an http(s) URL" }).max(2048);

/** What a user stores per section. `api_key`: a string sets it, null deletes it, absent keeps it. */
export const SectionOverrideSchema = z
  .strictObject({
    provider: z.string().min(1).max(64),
    model: z.string().min(1).max(200).nullable().optional(),
    base_url: baseUrlField.nullable().optional(),
    options: OptionsSchema.optional(),
    api_key: z.string().min(1).max(4096).nullable().optional(),
  })
  .openapi("SectionOverride");

export type SectionOverrideInput = z.infer<typeof SectionOverrideSchema>;

/** The stored shape (no key material): user_preferences.overrides. */
export const StoredSectionSchema = z.strictObject({
  provider: z.string(),
  model: z.string().nullable().optional(),
  base_url: z.string().nullable().optional(),
  options: OptionsSchema.optional(),
});
export type StoredSection = z.infer<typeof StoredSectionSchema>;
export const StoredOverridesSchema = z.strictObject(bySection(() => StoredSectionSchema.optional()));
export type StoredOverrides = z.infer<typeof StoredOverridesSchema>;

/** Catalog checks shared by PUT, import and system defaults: known provider, allowed options. */
export interface CatalogCheckable {
  provider: string;
  base_url?: string | null;
  options?: ProviderOptions;
}

export function checkAgainstCatalog(
  section: Section,
  value: CatalogCheckable,
  ctx: z.RefinementCtx,
  path: (string | number)[],
) {
  const entry = findProvider(section, value.provider);
  if (!entry) {
    ctx.addIssue({
      code: "custom",
      path: [...path, "provider"],
      message: `Unknown ${section} provider '${value.provider}'`,
    });
    return;
  }
  if (value.base_url && !entry.customBaseUrl) {
    ctx.addIssue({
      code: "custom",
      path: [...path, "base_url"],
      message: `Provider '${entry.id}' does not take a custom base_url`,
    });
  }
  for (const option of Object.keys(value.options ?? {})) {
    if (!entry.options.some((allowed) => allowed === option)) {
      ctx.addIssue({
        code: "custom",
        path: [...path, "options", option],
        message: `Provider '${entry.id}' has no option '${option}' (allowed: ${entry.options.join(", ") || "none"})`,
      });
    }
  }
  const voice = value.options?.voice;
  if (voice && entry.voices && !entry.voices.includes(voice)) {
    ctx.addIssue({
      code: "custom",
      path: [...path, "options", "voice"],
      message: `Unknown voice '${voice}' for '${entry.id}'`,
    });
  }
}

/** Refines a per-section document so every present section passes the catalog checks. */
export function catalogChecked<T extends Partial<Record<Section, CatalogCheckable | null | undefined>>>(
  document: T,
  ctx: z.RefinementCtx,
  path: (string | number)[] = [],
) {
  for (const section of SECTIONS) {
    const value = document[section];
    if (value) checkAgainstCatalog(section, value, ctx, [...path, section]);
  }
}

/** PUT body: sections given replace that section's overrides; null clears it; absent keeps it. */
export const PreferencesUpdateSchema = z
  .strictObject(bySection(() => SectionOverrideSchema.nullable().optional()))
  .superRefine((update, ctx) => catalogChecked(update, ctx))
  .openapi("PreferencesUpdate");

export type PreferencesUpdate = z.infer<typeof PreferencesUpdateSchema>;
