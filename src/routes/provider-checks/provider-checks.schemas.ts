import { z } from "@hono/zod-openapi";
import { VERIFY_STATUSES } from "../../domain/preferences/provider-client";
import { SectionQuery } from "../../http/schemas/preferences";

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
