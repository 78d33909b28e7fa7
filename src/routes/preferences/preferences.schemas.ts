import { z } from "@hono/zod-openapi";
import { OptionsSchema } from "../../domain/preferences/preference-schemas";
import { SECTIONS } from "../../domain/preferences/provider-catalog";
import { VERIFY_STATUSES } from "../../domain/preferences/provider-client";
import { booleanQuery } from "../../http/schemas/common";

const layer = z.enum(["system", "group", "user"]).nullable();
const sourced = <T extends z.ZodType>(value: T) => z.object({ value, source: layer });
const KeyStateSchema = z.object({ set: z.boolean(), last4: z.string().nullable() }).openapi("ApiKeyState");

const EffectiveSectionSchema = z
  .object({
    provider: sourced(z.string().nullable()),
    model: sourced(z.string().nullable()),
    base_url: sourced(z.string().nullable()),
    options: sourced(OptionsSchema),
    api_key: KeyStateSchema.extend({ source: layer }),
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
    overrides: z.object({ llm: OverrideViewSchema, tts: OverrideViewSchema, stt: OverrideViewSchema }),
    effective: z.object({
      llm: EffectiveSectionSchema,
      tts: EffectiveSectionSchema,
      stt: EffectiveSectionSchema,
    }),
  })
  .openapi("Preferences");

export const SectionQuery = z.enum(SECTIONS);

export const ProvidersQuery = z.object({
  section: SectionQuery.optional(),
  configured_only: booleanQuery(),
});

export const ProviderInfoSchema = z
  .object({
    section: SectionQuery,
    id: z.string(),
    name: z.string(),
    key_required: z.boolean(),
    custom_base_url: z.boolean(),
    default_base_url: z.string().nullable(),
    allowed: z.boolean(),
    configured: z.boolean(),
  })
  .openapi("ProviderInfo");

export const ModelsQuery = z.object({ provider_name: z.string().min(1).max(64), section: SectionQuery });

export const ModelListSchema = z
  .object({
    section: SectionQuery,
    provider: z.string(),
    source: z.enum(["live", "static"]),
    cached: z.boolean(),
    models: z.array(z.string()),
    voices: z.array(z.string()).optional(),
  })
  .openapi("ModelList");

export const VerifyRequestSchema = z
  .strictObject({
    provider: z.string().min(1).max(64),
    api_key: z.string().min(1).max(4096).optional(),
    base_url: z
      .url({ protocol: /^https?$/ })
      .max(2048)
      .optional(),
    model: z.string().min(1).max(200).optional(),
  })
  .openapi("VerifyProviderRequest");

export const VerifyResultSchema = z
  .object({
    ok: z.boolean(),
    provider: z.string(),
    section: SectionQuery,
    status: z.enum(VERIFY_STATUSES),
    http_status: z.number().int().optional(),
    latency_ms: z.number().int(),
    model_available: z.boolean().optional(),
    detail: z.string(),
  })
  .openapi("VerifyResult");

export const ImportResultSchema = z
  .object({
    dry_run: z.boolean(),
    changes: z.array(
      z.object({ section: SectionQuery, field: z.string(), from: z.unknown(), to: z.unknown() }),
    ),
    preferences: PreferencesViewSchema.optional(),
  })
  .openapi("ImportResult");
