import { z } from "@hono/zod-openapi";
import { AppError } from "../../core/errors";
import { checkAgainstCatalog, type StoredOverrides, StoredSectionSchema } from "./preference-schemas";
import { SECTIONS } from "./provider-catalog";

/**
 * System defaults: the bottom layer, from the `SYSTEM_DEFAULTS` var (JSON, same shape as a user's
 * stored overrides, no keys). Validated against the catalog; a bad value is a 503, not a guess.
 */
const SystemDefaultsSchema = z
  .strictObject({
    llm: StoredSectionSchema.optional(),
    tts: StoredSectionSchema.optional(),
    stt: StoredSectionSchema.optional(),
  })
  .superRefine((value, ctx) => {
    for (const section of SECTIONS) {
      const entry = value[section];
      if (entry) checkAgainstCatalog(section, entry, ctx, [section]);
    }
  });

const cache = new Map<string, StoredOverrides>();

export function readSystemDefaults(raw: string | undefined): StoredOverrides {
  const source = raw?.trim() || "{}";
  const cached = cache.get(source);
  if (cached) return cached;
  let json: unknown;
  try {
    json = JSON.parse(source);
  } catch {
    json = undefined;
  }
  const result = SystemDefaultsSchema.safeParse(json);
  if (!result.success) {
    throw new AppError(
      "misconfigured",
      `SYSTEM_DEFAULTS is invalid: ${result.error.issues[0]?.message ?? "not JSON"}`,
    );
  }
  cache.set(source, result.data);
  return result.data;
}
