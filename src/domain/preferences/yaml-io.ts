import { parseDocument, stringify } from "yaml";
import { z } from "zod";
import { AppError, ValidationError, zodIssuesToDetail } from "../../core/errors";
import { catalogChecked, type PreferencesUpdate, SectionOverrideSchema } from "./preference-schemas";
import type { PreferencesView } from "./preferences-service";
import { bySection, SECTIONS, type Section } from "./provider-catalog";

export const YAML_MAX_BYTES = 256 * 1024;
export const EXPORT_VERSION = 1;

/** A masked key as export writes it; importing it keeps the stored key. */
const MASK = /^\*{4,}[^*]{0,4}$/;
const maskKey = (last4: string) => `********${last4}`;

export function exportYaml(view: PreferencesView, username: string): string {
  const preferences = Object.fromEntries(
    SECTIONS.map((section) => {
      const o = view.overrides[section];
      if (!o) return [section, null];
      const key = view.keys[section].find((k) => k.provider === o.provider);
      return [section, { ...o, ...(key ? { api_key: maskKey(key.last4) } : {}) }];
    }),
  );
  return stringify({
    version: EXPORT_VERSION,
    exported_at: new Date().toISOString(),
    user: username,
    preferences,
    effective: view.effective,
  });
}

const ImportSectionSchema = SectionOverrideSchema.extend({
  api_key: z.string().min(1).max(4096).nullable().optional(),
});

/** `user`, `exported_at` and `effective` are informative: accepted and ignored on import. */
const ImportDocumentSchema = z
  .strictObject({
    version: z.literal(EXPORT_VERSION),
    exported_at: z.string().optional(),
    user: z.string().optional(),
    effective: z.unknown().optional(),
    preferences: z.strictObject(bySection(() => ImportSectionSchema.nullable().optional())),
  })
  .superRefine((doc, ctx) => catalogChecked(doc.preferences, ctx, ["preferences"]));

/** How deep `[` / `{` flow collections nest, ignoring quoted text: a cheap bound before parsing. */
function flowNestingDepth(text: string): number {
  let depth = 0;
  let max = 0;
  let quote: string | null = null;
  for (const ch of text) {
    if (quote) {
      if (ch === quote) quote = null;
    } else if (ch === '"' || ch === "'") quote = ch;
    else if (ch === "[" || ch === "{") max = Math.max(max, ++depth);
    else if (ch === "]" || ch === "}") depth = Math.max(0, depth - 1);
    else if (ch === "\n") quote = null;
  }
  return max;
}

const badYaml = (detail: string) => new AppError("invalid_yaml", detail);
const FORBIDDEN_KEYS = new Set(["__proto__", "constructor", "prototype"]);

/**
 * Exports are about 5 levels deep. The limit is explicit so that nothing below depends on the
 * stack: the parser reports running out of it as RESOURCE_EXHAUSTION with the engine's message.
 */
export const YAML_MAX_DEPTH = 64;
const tooDeep = () => badYaml(`The document is nested more than ${YAML_MAX_DEPTH} levels deep`);

function assertNoForbiddenKeys(value: unknown, path: string[]): void {
  if (path.length > YAML_MAX_DEPTH) throw tooDeep();
  if (Array.isArray(value)) {
    for (const [i, item] of value.entries()) assertNoForbiddenKeys(item, [...path, String(i)]);
  } else if (typeof value === "object" && value !== null) {
    for (const key of Object.getOwnPropertyNames(value)) {
      if (FORBIDDEN_KEYS.has(key))
        throw badYaml(`Key '${key}' is not allowed (at ${[...path, key].join(".")})`);
      assertNoForbiddenKeys(Reflect.get(value, key), [...path, key]);
    }
  }
}

/**
 * Parses strictly: duplicate keys, unknown tags, any parser warning, more than 10 aliases, and
 * prototype-polluting keys are errors. Returns the update it describes (every section present:
 * null clears it); masked keys are left out so the stored key stays.
 */
export function parseImport(text: string): PreferencesUpdate {
  if (new TextEncoder().encode(text).length > YAML_MAX_BYTES) {
    throw new AppError("payload_too_large", `The file is larger than ${YAML_MAX_BYTES / 1024} KiB`);
  }
  if (flowNestingDepth(text) > YAML_MAX_DEPTH) throw tooDeep();
  let json: unknown;
  try {
    const doc = parseDocument(text, { uniqueKeys: true, strict: true, prettyErrors: false, schema: "core" });
    const problem = doc.errors[0] ?? doc.warnings[0];
    // The parser reports running out of stack as an error of the document: our words for it.
    if (problem && (problem.code === "RESOURCE_EXHAUSTION" || /call stack/i.test(problem.message)))
      throw tooDeep();
    if (problem) throw badYaml(`Invalid YAML: ${problem.message.split("\n")[0]}`);
    json = doc.toJS({ maxAliasCount: 10 });
  } catch (error) {
    if (error instanceof AppError) throw error;
    // Not a syntax error (alias limits, engine limits): our own words, never the engine's.
    throw error instanceof RangeError
      ? tooDeep()
      : badYaml("Invalid YAML: the document uses aliases or structures this import does not accept");
  }
  assertNoForbiddenKeys(json, []);
  const parsed = ImportDocumentSchema.safeParse(json);
  if (!parsed.success) throw new ValidationError(zodIssuesToDetail(parsed.error, "file"));
  const update: PreferencesUpdate = {};
  for (const section of SECTIONS) {
    const value = parsed.data.preferences[section] ?? null;
    if (value === null) {
      update[section] = null;
      continue;
    }
    const { api_key, ...rest } = value;
    update[section] = api_key && MASK.test(api_key) ? rest : { ...rest, api_key };
  }
  return update;
}

export interface Change {
  section: Section;
  field: string;
  from: unknown;
  to: unknown;
}

/** What applying `update` to `view` would change, field by field; keys reported as set/deleted only. */
export function diffUpdate(view: PreferencesView, update: PreferencesUpdate): Change[] {
  const changes: Change[] = [];
  for (const section of SECTIONS) {
    const next = update[section];
    if (next === undefined) continue;
    const before = view.overrides[section];
    for (const field of ["provider", "model", "base_url", "options"] as const) {
      const from = before?.[field] ?? (field === "options" ? {} : null);
      const to = next?.[field] ?? (field === "options" ? {} : null);
      if (JSON.stringify(from) !== JSON.stringify(to)) changes.push({ section, field, from, to });
    }
    if (next && typeof next.api_key === "string")
      changes.push({ section, field: "api_key", from: null, to: "set" });
    if (next && next.api_key === null) changes.push({ section, field: "api_key", from: "set", to: null });
  }
  return changes;
}
