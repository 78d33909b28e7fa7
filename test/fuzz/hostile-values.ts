import fc from "fast-check";

/**
 * Fragments that break naive string handling: NUL and control characters, bidi overrides,
 * zero-width characters, lone surrogates, emoji and ZWJ sequences, right-to-left scripts,
 * combining marks, NFKC-sensitive forms, and the usual injection shapes.
 */
export const HOSTILE_FRAGMENTS = [
  "\u0000",
  "\u0007\u001b[31m",
  "\r\n",
  "\u202e",
  "\u2066\u2069",
  "\u200b\u200c\u200d\ufeff",
  "\ud800",
  "\udfff",
  "\udc00\ud800",
  "😀",
  "👩‍👩‍👧‍👦",
  "🏳️‍🌈",
  "مرحبا",
  "שלום",
  "e\u0301\u0301\u0301",
  "ﬃ",
  "Ａｄｍｉｎ",
  "\uffff\ufffe",
  "' OR 1=1 --",
  '"; DROP TABLE users; --',
  "%00",
  "%ED%A0%80",
  "../..",
  "<script>alert(1)</script>",
  "\u0024{7*7}{{7*7}}",
  "__proto__",
  "constructor",
  "null",
  "-0",
  "1e309",
  " ",
  "",
] as const;

/** Short strings mixing hostile fragments with arbitrary code points (lone surrogates included). */
export const hostileString: fc.Arbitrary<string> = fc
  .array(fc.oneof(fc.constantFrom(...HOSTILE_FRAGMENTS), fc.string({ unit: "binary", maxLength: 8 })), {
    minLength: 1,
    maxLength: 6,
  })
  .map((parts) => parts.join(""));

/** A long run of one (possibly multi-unit) character: up to 100k repetitions. */
export const hugeString: fc.Arbitrary<string> = fc
  .record({
    unit: fc.constantFrom("a", "é", "😀", "\u0000", "\u202e", "\ud800", "%"),
    length: fc.integer({ min: 1_000, max: 100_000 }),
  })
  .map(({ unit, length }) => unit.repeat(length));

/** Numbers at the edges of what JSON and JavaScript represent. */
export const edgeNumber: fc.Arbitrary<number> = fc.oneof(
  fc.constantFrom(0, -0, -1, 2 ** 31, 2 ** 53 + 1, -(2 ** 63), 1e308, 5e-324, 0.1),
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
);

/** Any JSON value, for a field whose schema says something else. */
export const wrongValue: fc.Arbitrary<unknown> = fc.oneof(
  hostileString,
  edgeNumber,
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.oneof(hostileString, edgeNumber), { maxLength: 3 }),
  fc.dictionary(hostileString, fc.oneof(hostileString, edgeNumber), { maxKeys: 3 }),
);

/** Object keys an attacker tries: prototype pollution, privilege fields, odd spellings. */
export const hostileKey: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom("__proto__", "constructor", "prototype", "role", "status", "id", "admin", "is_admin", ""),
  hostileString,
);

/** JSON text nested thousands of levels deep (arrays, objects or both). */
export const deepJsonText: fc.Arbitrary<string> = fc.oneof(
  fc.integer({ min: 1_000, max: 30_000 }).map((n) => `${"[".repeat(n)}${"]".repeat(n)}`),
  fc.integer({ min: 1_000, max: 11_000 }).map((n) => `${'{"a":'.repeat(n)}1${"}".repeat(n)}`),
  fc.integer({ min: 500, max: 7_000 }).map((n) => `${'[{"a":'.repeat(n)}1${"}]".repeat(n)}`),
);

/** YAML nested thousands of levels deep. */
const deepYaml: fc.Arbitrary<string> = fc.oneof(
  fc.integer({ min: 1_000, max: 20_000 }).map((n) => "[".repeat(n)),
  fc.integer({ min: 1_000, max: 20_000 }).map((n) => `${"[".repeat(n)}${"]".repeat(n)}`),
  fc.integer({ min: 1_000, max: 20_000 }).map((n) => `${"{a: ".repeat(n)}1${"}".repeat(n)}`),
  fc
    .integer({ min: 200, max: 600 })
    .map((n) => Array.from({ length: n }, (_, i) => `${" ".repeat(i)}- `).join("\n")),
  // Deep, but in a field the import accepts and ignores, so it gets past the shape check.
  fc
    .integer({ min: 50, max: 3_000 })
    .map((n) => `version: 1\neffective: ${"[".repeat(n)}${"]".repeat(n)}\npreferences: {}\n`),
);

/** YAML built to hurt a parser: deep nesting, alias expansion, unknown tags, polluting keys. */
export const hostileYaml: fc.Arbitrary<string> = fc.oneof(
  { arbitrary: deepYaml, weight: 4 },
  {
    arbitrary: fc.constantFrom(
      "a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: [*c, *c, *c, *c, *c, *c, *c, *c, *c]\n",
      "version: 1\npreferences: !!js/function 'function () {}'\n",
      "version: 1\npreferences:\n  __proto__: {polluted: true}\n",
      "version: 1\nversion: 1\npreferences: {}\n",
    ),
    weight: 2,
  },
  { arbitrary: hostileString, weight: 1 },
);

/** Text that is almost, but not quite, JSON. */
export function malformedJson(valid: string): fc.Arbitrary<string> {
  return fc.oneof(
    fc.constantFrom(
      "{",
      "}",
      '{"a":}',
      "{'a': 1}",
      "[1,]",
      "nul",
      "NaN",
      "\u0000",
      "\ufeff{}",
      '{"a":1}{"b":2}',
      '{"a":"\\ud800"}',
      '{"a":"\\x41"}',
      "",
      " ",
    ),
    fc.nat({ max: Math.max(0, valid.length - 1) }).map((cut) => valid.slice(0, cut)),
    hostileString.map((junk) => `${valid}${junk}`),
  );
}

/** Bytes that are not valid UTF-8, inside an otherwise plausible JSON document. */
export const invalidUtf8Json: fc.Arbitrary<Uint8Array> = fc
  .constantFrom([0xff, 0xfe], [0xed, 0xa0, 0x80], [0xc0, 0xaf], [0xf8, 0x88, 0x80, 0x80, 0x80], [0x80])
  .map((bad) => new Uint8Array([...new TextEncoder().encode('{"username":"'), ...bad, 0x22, 0x7d]));
