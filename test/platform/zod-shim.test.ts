import { z } from "@hono/zod-openapi";
import { describe, expect, it } from "vitest";

// "zod" is shims/zod.ts here as in the deployed bundle (vitest.config.ts applies wrangler.toml's
// [alias]); docs/performance.md, "Bundle size".
describe("zod as bundled (shims/zod.ts)", () => {
  it("is the trimmed module in this pool too, not zod's full namespace", () => {
    // Exports of the full namespace that the shim leaves out.
    for (const name of ["locales", "core", "config", "compile", "fromJSONSchema", "bigint"]) {
      expect(Reflect.has(z, name), name).toBe(false);
    }
  });

  it("keeps @hono/zod-openapi's .openapi() extension and zod's methods", () => {
    const schema = z.string().min(1).openapi("Probe", { example: "x" });
    expect(schema.safeParse("x").success).toBe(true);
    expect(schema.optional().nullable().safeParse(null).success).toBe(true);
    expect(z.object({ a: schema }).extend({ b: z.number() }).safeParse({ a: "x", b: 1 }).success).toBe(true);
  });

  // Expected messages produced by the unaliased zod package in Node (`import { z } from "zod"`).
  const cases: [string, () => z.ZodSafeParseResult<unknown>, string, string][] = [
    [
      "too_small string",
      () => z.string().min(3).safeParse("a"),
      "too_small",
      "Too small: expected string to have >=3 characters",
    ],
    [
      "too_big string",
      () => z.string().max(2).safeParse("abc"),
      "too_big",
      "Too big: expected string to have <=2 characters",
    ],
    [
      "invalid_type",
      () => z.string().safeParse(1),
      "invalid_type",
      "Invalid input: expected string, received number",
    ],
    [
      "missing key",
      () => z.object({ a: z.string() }).safeParse({}),
      "invalid_type",
      "Invalid input: expected string, received undefined",
    ],
    [
      "null object",
      () => z.object({}).safeParse(null),
      "invalid_type",
      "Invalid input: expected object, received null",
    ],
    [
      "array vs object",
      () => z.array(z.string()).safeParse({}),
      "invalid_type",
      "Invalid input: expected array, received object",
    ],
    [
      "enum",
      () => z.enum(["a", "b"]).safeParse("c"),
      "invalid_value",
      'Invalid option: expected one of "a"|"b"',
    ],
    ["literal", () => z.literal(1).safeParse(2), "invalid_value", "Invalid input: expected 1"],
    [
      "strict object",
      () => z.strictObject({ a: z.string() }).safeParse({ a: "x", b: 1 }),
      "unrecognized_keys",
      'Unrecognized key: "b"',
    ],
    ["email", () => z.email().safeParse("x"), "invalid_format", "Invalid email address"],
    ["url", () => z.url().safeParse("x"), "invalid_format", "Invalid URL"],
    [
      "int",
      () => z.number().int().safeParse(1.5),
      "invalid_type",
      "Invalid input: expected int, received number",
    ],
    [
      "coerced min",
      () => z.coerce.number().int().min(1).safeParse("0"),
      "too_small",
      "Too small: expected number to be >=1",
    ],
    [
      "iso datetime",
      () => z.iso.datetime({ offset: true }).safeParse("x"),
      "invalid_format",
      "Invalid ISO datetime",
    ],
    [
      "record value",
      () => z.record(z.string(), z.number()).safeParse({ a: "x" }),
      "invalid_type",
      "Invalid input: expected number, received string",
    ],
    ["union", () => z.union([z.string(), z.number()]).safeParse(true), "invalid_union", "Invalid input"],
    [
      "array max",
      () => z.array(z.string()).max(1).safeParse(["a", "b"]),
      "too_big",
      "Too big: expected array to have <=1 items",
    ],
  ];
  it.each(cases)("English message unchanged: %s", (_name, parse, code, message) => {
    const result = parse();
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((i) => [i.code, i.message])).toEqual([[code, message]]);
  });
});
