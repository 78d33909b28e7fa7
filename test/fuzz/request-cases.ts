import fc from "fast-check";
import {
  deepJsonText,
  hostileString,
  hostileYaml,
  hugeString,
  invalidUtf8Json,
  malformedJson,
  wrongValue,
} from "./hostile-values";
import type { JsonSchema, Operation, Parameter } from "./json-schema";
import { type SchemaContext, schemaArbitrary } from "./schema-arbitrary";

/** A parameter value; `raw` values go into the URL as they are (e.g. `%zz`), others are encoded. */
export interface ParamValue {
  text: string;
  raw: boolean;
}

export type BodySpec =
  | { kind: "text"; contentType: string | undefined; text: string }
  | { kind: "bytes"; contentType: string; bytes: Uint8Array }
  | { kind: "multipart"; fields: { name: string; value: string; asFile: boolean }[] };

export type Credential = "session" | "garbage-bearer" | "garbage-cookie" | "none";

/** Which part of the request was mutated ("none": a request the schemas accept). */
export type Mutation = "none" | "credential" | "path" | "query" | "headers" | "body";

/** One generated request, before it is bound to a caller. */
export interface RequestCase {
  mutated: Mutation;
  path: Record<string, ParamValue>;
  query: [string, ParamValue][];
  headers: [string, string][];
  body: BodySpec | undefined;
  credential: Credential;
}

const JSON_TYPES = ["application/json", "application/json; charset=utf-8", "Application/JSON"] as const;
const WRONG_TYPES = [
  "text/plain",
  "application/x-www-form-urlencoded",
  "application/xml",
  "multipart/form-data; boundary=fuzz",
  "application/jsonx",
  "application/json; charset=utf-16",
  "*/*",
  undefined,
] as const;

/** Strings that are not valid percent-encoding, or that try to leave their path segment. */
const URL_JUNK = [
  "%",
  "%zz",
  "%E0%A4%A",
  "%ED%A0%80",
  "%C0%AF",
  "..",
  ".",
  "%2F",
  "a/b",
  "%2e%2e",
  "%00",
  "",
] as const;

/**
 * Requests for one operation: valid ones (built from the schemas), and hostile ones in which
 * exactly one part (path, query, headers, body or credential) is mutated and the rest is valid,
 * so the mutation reaches the code behind the checks that come first.
 * `resources` are ids and names that exist; path parameters mostly use them.
 */
export function caseArbitrary(
  op: Operation,
  context: Omit<SchemaContext, "hostile">,
  resources: readonly string[],
): fc.Arbitrary<RequestCase> {
  const valid: SchemaContext = { ...context, hostile: false };
  const hostile: SchemaContext = { ...context, hostile: true };
  const params = (where: Parameter["in"]) => op.parameters.filter((p) => p.in === where);

  const known = resources.length > 0 ? [fc.constantFrom(...resources)] : [];
  const pathValue = (p: Parameter, ctx: SchemaContext) =>
    fc.oneof(
      ...known.map((arbitrary) => ({
        arbitrary: arbitrary.map((text) => ({ text, raw: false })),
        weight: 3,
      })),
      { arbitrary: paramValue(p.schema ?? {}, ctx), weight: 2 },
    );
  const pathArb = (ctx: SchemaContext) =>
    fc.record(Object.fromEntries(params("path").map((p) => [p.name, pathValue(p, ctx)])), {
      requiredKeys: params("path").map((p) => p.name),
    });
  const queryArb = (ctx: SchemaContext) => {
    const documented = fc.tuple(
      ...params("query").map((p) => {
        const values = fc.array(paramValue(p.schema ?? {}, ctx), {
          minLength: 1,
          maxLength: ctx.hostile ? 3 : 1,
        });
        // Required parameters are always there when the request is meant to be valid.
        return p.required && !ctx.hostile ? values : fc.option(values, { freq: 2, nil: undefined });
      }),
    );
    const extra: fc.Arbitrary<[string, ParamValue][]> = ctx.hostile
      ? fc.array(fc.tuple(fc.oneof(hostileString, fc.constantFrom("__proto__", "x")), paramValue({}, ctx)), {
          minLength: 1,
          maxLength: 2,
        })
      : fc.constant([]);
    return fc
      .tuple(documented, fc.oneof(fc.constant([]), extra))
      .map(([values, unknown]): [string, ParamValue][] => [
        ...params("query").flatMap((p, i) => (values[i] ?? []).map((v): [string, ParamValue] => [p.name, v])),
        ...unknown,
      ]);
  };
  const headerArb = (ctx: SchemaContext) =>
    fc
      .tuple(
        ...params("header").map((p) =>
          fc.option(
            schemaArbitrary(p.schema ?? {}, ctx).map((v): [string, string] => [
              p.name,
              headerSafe(String(v)),
            ]),
            { nil: undefined },
          ),
        ),
      )
      .map(present);

  const base = {
    path: pathArb(valid),
    query: queryArb(valid),
    headers: headerArb(valid),
    body: validBody(op, valid),
    credential: fc.constant<Credential>("session"),
  };
  const mutations: { part: Mutation; arbitrary: fc.Arbitrary<RequestCase> }[] = [
    { part: "none", arbitrary: fc.record({ ...base, mutated: fc.constant<Mutation>("none") }) },
    {
      part: "credential",
      arbitrary: fc.record({
        ...base,
        mutated: fc.constant<Mutation>("credential"),
        credential: fc.constantFrom<Credential>("garbage-bearer", "garbage-cookie", "none"),
      }),
    },
  ];
  if (params("path").length > 0)
    mutations.push({
      part: "path",
      arbitrary: fc.record({ ...base, mutated: fc.constant<Mutation>("path"), path: pathArb(hostile) }),
    });
  mutations.push({
    part: "query",
    arbitrary: fc.record({ ...base, mutated: fc.constant<Mutation>("query"), query: queryArb(hostile) }),
  });
  if (params("header").length > 0)
    mutations.push({
      part: "headers",
      arbitrary: fc.record({
        ...base,
        mutated: fc.constant<Mutation>("headers"),
        headers: headerArb(hostile),
      }),
    });
  if (op.method !== "GET")
    mutations.push({
      part: "body",
      arbitrary: fc.record({
        ...base,
        mutated: fc.constant<Mutation>("body"),
        body: hostileBody(op, valid, hostile),
      }),
    });
  const weights: Record<Mutation, number> = {
    none: 3,
    credential: 1,
    path: 2,
    query: 2,
    headers: 1,
    body: 4,
  };
  return fc.oneof(...mutations.map(({ part, arbitrary }) => ({ arbitrary, weight: weights[part] })));
}

const present = <T>(items: (T | undefined)[]): T[] => items.filter((i): i is T => i !== undefined);

/** Header values must be ByteStrings without CR, LF or NUL; anything else is not sendable at all. */
const headerSafe = (value: string) => value.replace(/[^\x20-\x7e\x80-\xff]/g, "?");

function paramValue(schema: JsonSchema, ctx: SchemaContext): fc.Arbitrary<ParamValue> {
  const typed = schemaArbitrary(schema, ctx).map((v) => ({
    text: typeof v === "string" ? v : JSON.stringify(v),
    raw: false,
  }));
  if (!ctx.hostile) return typed;
  return fc.oneof(
    { arbitrary: typed, weight: 4 },
    { arbitrary: fc.constantFrom(...URL_JUNK).map((text) => ({ text, raw: true })), weight: 1 },
    { arbitrary: hugeString.map((text) => ({ text, raw: false })), weight: 1 },
  );
}

function validBody(op: Operation, ctx: SchemaContext): fc.Arbitrary<BodySpec | undefined> {
  if (!op.jsonBody) return fc.constant(undefined);
  return fc.record({
    kind: fc.constant<"text">("text"),
    contentType: fc.constantFrom(...JSON_TYPES),
    text: schemaArbitrary(op.jsonBody.schema, ctx).map((v) => JSON.stringify(v)),
  });
}

function hostileBody(
  op: Operation,
  valid: SchemaContext,
  hostile: SchemaContext,
): fc.Arbitrary<BodySpec | undefined> {
  if (op.method === "GET") return fc.constant(undefined);
  const schema = op.jsonBody?.schema ?? {};
  const text =
    (contentType: string | undefined) =>
    (t: string): BodySpec => ({ kind: "text", contentType, text: t });
  const validText = schemaArbitrary(schema, valid).map((v) => JSON.stringify(v) ?? "null");
  const firstKey = Object.keys(schema.properties ?? {})[0] ?? "a";
  const generic: fc.WeightedArbitrary<BodySpec | undefined>[] = [
    { arbitrary: validText.chain(malformedJson).map(text("application/json")), weight: 1 },
    {
      arbitrary: fc
        .tuple(deepJsonText, fc.boolean())
        .map(([deep, nested]) => (nested ? `{${JSON.stringify(firstKey)}:${deep}}` : deep))
        .map(text("application/json")),
      weight: 1,
    },
    {
      arbitrary: hugeString.map((huge) => JSON.stringify({ [firstKey]: huge })).map(text("application/json")),
      weight: 1,
    },
    {
      arbitrary: invalidUtf8Json.map(
        (bytes): BodySpec => ({ kind: "bytes", contentType: "application/json", bytes }),
      ),
      weight: 1,
    },
    {
      arbitrary: fc.tuple(fc.constantFrom(...WRONG_TYPES), validText).map(([ct, t]) => text(ct)(t)),
      weight: 1,
    },
    { arbitrary: fc.constantFrom(undefined, text("application/json")("")), weight: 1 },
    { arbitrary: multipart, weight: op.jsonBody ? 1 : 4 },
  ];
  if (op.jsonBody) {
    generic.push({
      arbitrary: fc
        .tuple(schemaArbitrary(schema, hostile), fc.constantFrom(...JSON_TYPES))
        .map(([v, ct]) => text(ct)(JSON.stringify(v) ?? "null")),
      weight: 6,
    });
  } else {
    generic.push({
      arbitrary: wrongValue.map((v) => text("application/json")(JSON.stringify(v))),
      weight: 1,
    });
  }
  return fc.oneof(...generic);
}

/** A multipart upload: a `file` field (as a file or a plain field) plus, sometimes, other fields. */
const multipart: fc.Arbitrary<BodySpec> = fc
  .tuple(
    fc.oneof(
      hostileYaml,
      wrongValue.map((v) => JSON.stringify(v)),
    ),
    fc.boolean(),
    fc.array(fc.tuple(fc.constantFrom("file", "other", "__proto__"), hostileString), { maxLength: 2 }),
  )
  .map(
    ([content, asFile, others]): BodySpec => ({
      kind: "multipart",
      fields: [
        { name: "file", value: content, asFile },
        ...others.map(([name, value]) => ({ name, value, asFile: false })),
      ],
    }),
  );

/**
 * Percent-encodes every UTF-16 code unit, lone surrogates included (as their WTF-8 bytes, which
 * are not valid UTF-8): the server must cope with URLs that decode to nothing sensible.
 */
export function encodeComponent(text: string): string {
  let out = "";
  for (const char of text) {
    const unit = char.charCodeAt(0);
    if (char.length === 1 && unit >= 0xd800 && unit <= 0xdfff) {
      out += [0xe0 | (unit >> 12), 0x80 | ((unit >> 6) & 0x3f), 0x80 | (unit & 0x3f)]
        .map((b) => `%${b.toString(16).toUpperCase()}`)
        .join("");
    } else {
      out += encodeURIComponent(char);
    }
  }
  return out;
}

const encodeParam = (v: ParamValue) => (v.raw ? v.text : encodeComponent(v.text));

/** The URL path and query (relative to `/api/v1`) a case asks for. */
export function urlOf(op: Operation, c: RequestCase): string {
  const path = op.path
    .replace(/^\/api\/v1/, "")
    .replace(/\{([^}]+)\}/g, (_, name: string) => encodeParam(c.path[name] ?? { text: "", raw: true }));
  const query = c.query.map(([name, value]) => `${encodeComponent(name)}=${encodeParam(value)}`).join("&");
  return query ? `${path}?${query}` : path;
}

export function bodyInit(body: BodySpec | undefined): { body?: BodyInit; contentType?: string } {
  if (!body) return {};
  if (body.kind === "text")
    return { body: body.text, ...(body.contentType ? { contentType: body.contentType } : {}) };
  if (body.kind === "bytes") return { body: body.bytes, contentType: body.contentType };
  const form = new FormData();
  for (const field of body.fields) {
    if (field.asFile)
      form.append(field.name, new File([field.value], "preferences.yaml", { type: "application/yaml" }));
    else form.append(field.name, field.value);
  }
  return { body: form };
}

/** A short, readable account of a case: long values are cut and their length given. */
export function describeCase(op: Operation, c: RequestCase): string {
  const cut = (s: string, n = 160) =>
    s.length > n ? `${JSON.stringify(s.slice(0, n))}…(${s.length} chars)` : JSON.stringify(s);
  const url = urlOf(op, c);
  const shownUrl = url.length > 300 ? `${url.slice(0, 300)}…(${url.length} chars)` : url;
  const lines = [`${op.method} /api/v1${shownUrl}  [mutated: ${c.mutated}, credential: ${c.credential}]`];
  for (const [name, value] of c.headers) lines.push(`  header ${name}: ${cut(value)}`);
  const body = c.body;
  if (body?.kind === "text")
    lines.push(`  body (${body.contentType ?? "no content-type"}): ${cut(body.text, 400)}`);
  if (body?.kind === "bytes") lines.push(`  body (${body.contentType}, bytes): ${[...body.bytes].join(" ")}`);
  if (body?.kind === "multipart")
    for (const f of body.fields)
      lines.push(`  multipart ${f.asFile ? "file" : "field"} ${f.name}: ${cut(f.value, 400)}`);
  return lines.join("\n");
}
