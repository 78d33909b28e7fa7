import { z } from "@hono/zod-openapi";
import { booleanQuery } from "../../http/schemas/common";
import { SectionQuery } from "../../http/schemas/preferences";

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
