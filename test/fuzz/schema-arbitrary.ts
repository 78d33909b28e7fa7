import fc from "fast-check";
import { hostileKey, hostileString, hugeString, wrongValue } from "./hostile-values";
import { type JsonSchema, resolveRef } from "./json-schema";

/**
 * JSON Schema → fast-check arbitrary.
 *
 * `hostile: false` generates values the schema accepts (types, enums, required keys, lengths,
 * ranges, formats loosely). `hostile: true` generates the same shapes but lets any node become a
 * wrong-typed, hostile or huge value, drops required keys and adds unknown ones: the mutations.
 * `dictionary` holds values that mean something to the server (existing ids, usernames,
 * provider names); plain strings draw from it now and then so requests reach past "not found".
 */
export interface SchemaContext {
  components: Record<string, JsonSchema>;
  dictionary: readonly string[];
  hostile: boolean;
}

const MAX_REF_DEPTH = 8;
/** Patterns that the document carries but that no string can match (reported once each). */
export const unmatchablePatterns = new Set<string>();

export function schemaArbitrary(schema: JsonSchema, ctx: SchemaContext, depth = 0): fc.Arbitrary<unknown> {
  const valid = conforming(resolveRef(schema, ctx.components), ctx, depth);
  if (!ctx.hostile) return valid;
  return fc.oneof(
    { arbitrary: valid, weight: 6 },
    { arbitrary: wrongValue, weight: 1 },
    { arbitrary: hugeString, weight: 1 },
  );
}

function conforming(schema: JsonSchema, ctx: SchemaContext, depth: number): fc.Arbitrary<unknown> {
  if (depth > MAX_REF_DEPTH) return fc.constant(null);
  const next = (s: JsonSchema) => schemaArbitrary(s, ctx, depth + 1);
  if (schema.const !== undefined) return fc.constant(schema.const);
  if (schema.enum && schema.enum.length > 0) return fc.constantFrom(...schema.enum);
  const alternatives = schema.anyOf ?? schema.oneOf;
  if (alternatives && alternatives.length > 0) return fc.oneof(...alternatives.map(next));
  if (schema.allOf && schema.allOf.length > 0) return conforming(mergeAllOf(schema, ctx), ctx, depth);
  const types = typeof schema.type === "string" ? [schema.type] : (schema.type ?? []);
  if (types.length > 1) return fc.oneof(...types.map((type) => conforming({ ...schema, type }, ctx, depth)));
  switch (types[0]) {
    case "null":
      return fc.constant(null);
    case "boolean":
      return fc.boolean();
    case "integer":
      return fc.integer({ min: schema.minimum ?? -1_000_000, max: schema.maximum ?? 1_000_000 });
    case "number":
      return fc.double({
        min: schema.minimum ?? -1e6,
        max: schema.maximum ?? 1e6,
        noNaN: true,
        noDefaultInfinity: true,
      });
    case "string":
      return stringArbitrary(schema, ctx);
    case "array":
      return fc.array(schema.items ? next(schema.items) : fc.jsonValue({ maxDepth: 1 }), {
        minLength: schema.minItems ?? 0,
        maxLength: Math.min(schema.maxItems ?? 4, (schema.minItems ?? 0) + 4),
      });
    case "object":
      return objectArbitrary(schema, ctx, next);
    default:
      return fc.jsonValue({ maxDepth: 2 });
  }
}

function stringArbitrary(schema: JsonSchema, ctx: SchemaContext): fc.Arbitrary<string> {
  const min = schema.minLength ?? 0;
  const max = schema.maxLength ?? 256;
  const fits = (s: string) => s.length >= min && s.length <= max;
  let shaped: fc.Arbitrary<string> | undefined;
  if (schema.format === "email") shaped = fc.emailAddress().filter(fits);
  else if (schema.format === "uri") shaped = fc.webUrl({ validSchemes: ["https"] }).filter(fits);
  else if (schema.format === "date-time")
    shaped = fc
      .date({ noInvalidDate: true, min: new Date("1970-01-01"), max: new Date("2100-01-01") })
      .map((d) => d.toISOString());
  else if (schema.pattern) shaped = patternArbitrary(schema.pattern)?.filter(fits);
  const plain = fc.string({ minLength: min, maxLength: Math.min(max, min + 24) });
  const boundary = fc.string({ minLength: max, maxLength: max });
  const options: fc.WeightedArbitrary<string>[] = [{ arbitrary: shaped ?? plain, weight: 6 }];
  if (shaped) options.push({ arbitrary: plain, weight: 1 });
  if (max <= 4096) options.push({ arbitrary: boundary, weight: 1 });
  if (ctx.dictionary.length > 0) options.push({ arbitrary: fc.constantFrom(...ctx.dictionary), weight: 3 });
  if (ctx.hostile) options.push({ arbitrary: hostileString, weight: 2 });
  return fc.oneof(...options);
}

function patternArbitrary(pattern: string): fc.Arbitrary<string> | undefined {
  let regex: RegExp;
  try {
    regex = new RegExp(pattern, "u");
  } catch {
    unmatchablePatterns.add(pattern);
    return undefined;
  }
  const samples = fc.sample(fc.stringMatching(regex), { numRuns: 20, seed: 1 });
  if (!samples.some((s) => regex.test(s))) {
    unmatchablePatterns.add(pattern);
    return undefined;
  }
  return fc.stringMatching(regex).filter((s) => regex.test(s));
}

function objectArbitrary(
  schema: JsonSchema,
  ctx: SchemaContext,
  next: (s: JsonSchema) => fc.Arbitrary<unknown>,
): fc.Arbitrary<Record<string, unknown>> {
  const model: Record<string, fc.Arbitrary<unknown>> = {};
  for (const [key, property] of Object.entries(schema.properties ?? {})) model[key] = next(property);
  // Hostile: required keys may go missing too.
  const requiredKeys = ctx.hostile ? [] : (schema.required ?? []).filter((key) => key in model);
  const known = fc.record(model, { requiredKeys });
  const extra = schema.additionalProperties;
  const open =
    typeof extra === "object"
      ? fc.dictionary(fc.string({ minLength: 1, maxLength: 12 }), next(extra), { maxKeys: 3 })
      : fc.constant({});
  const unknown = ctx.hostile
    ? fc.option(fc.dictionary(hostileKey, wrongValue, { minKeys: 1, maxKeys: 2 }), { freq: 3, nil: {} })
    : fc.constant({});
  // fromEntries defines own properties, so a generated "__proto__" key is sent, not swallowed.
  return fc
    .tuple(known, open, unknown)
    .map(([k, o, u]) =>
      Object.fromEntries([...Object.entries(o), ...Object.entries(u), ...Object.entries(k)]),
    );
}

/** allOf of object schemas → one object schema (properties and required keys combined). */
function mergeAllOf(schema: JsonSchema, ctx: SchemaContext): JsonSchema {
  const parts = (schema.allOf ?? []).map((part) => resolveRef(part, ctx.components));
  const properties: Record<string, JsonSchema> = {};
  const required: string[] = [];
  for (const part of parts) {
    Object.assign(properties, part.properties ?? {});
    required.push(...(part.required ?? []));
  }
  return { type: "object", properties, required };
}
