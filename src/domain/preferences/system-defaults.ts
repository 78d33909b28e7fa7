import { parseStoredJson } from "../../core/stored-json";
import { catalogChecked, type StoredOverrides, StoredOverridesSchema } from "./preference-schemas";

/**
 * System defaults: the bottom layer, from the `SYSTEM_DEFAULTS` var (JSON, same shape as a user's
 * stored overrides, no keys). Validated against the catalog; a bad value is a 503, not a guess.
 */
const SystemDefaultsSchema = StoredOverridesSchema.superRefine((value, ctx) => catalogChecked(value, ctx));

const cache = new Map<string, StoredOverrides>();

export function readSystemDefaults(raw: string | undefined): StoredOverrides {
  const source = raw?.trim() || "{}";
  const cached = cache.get(source);
  if (cached) return cached;
  const defaults = parseStoredJson(
    source,
    SystemDefaultsSchema,
    "misconfigured",
    "SYSTEM_DEFAULTS is invalid",
  );
  cache.set(source, defaults);
  return defaults;
}
