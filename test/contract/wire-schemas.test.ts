import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { booleanQuery } from "../../src/http/schemas/common";
import {
  GROUP_NAME_PATTERN,
  GROUP_NAME_PUBLISHED_PATTERN,
} from "../../src/routes/admin-groups/admin-groups.schemas";
import { call, loginAdmin } from "../helpers";

describe("booleanQuery", () => {
  const flag = booleanQuery();

  it("accepts true/false/1/0 in any case, absent meaning the fallback", () => {
    for (const spelling of ["true", "TRUE", "True", "tRuE", "1"]) expect(flag.parse(spelling)).toBe(true);
    for (const spelling of ["false", "FALSE", "False", "0"]) expect(flag.parse(spelling)).toBe(false);
    expect(flag.parse(undefined)).toBe(false);
    expect(booleanQuery(true).parse(undefined)).toBe(true);
  });

  it("refuses anything else", () => {
    for (const spelling of ["", "yes", "no", "on", "2", " true", "true ", "truee"]) {
      expect(flag.safeParse(spelling).success, spelling).toBe(false);
    }
  });

  it("is what boolean query parameters accept (include_deleted)", async () => {
    const admin = await loginAdmin();
    const cases: [string, number][] = [
      ["TRUE", 200],
      ["1", 200],
      ["0", 200],
      ["yes", 422],
    ];
    for (const [value, status] of cases) {
      // Raw: spellings the typed client's query type does not offer.
      const res = await call(`/users/admin/users?include_deleted=${value}`, { token: admin.token });
      expect(res.status, value).toBe(status);
    }
  });
});

describe("group name pattern", () => {
  const published = new RegExp(GROUP_NAME_PUBLISHED_PATTERN);

  it("publishes a flag-free pattern that admits every name the server accepts", () => {
    fc.assert(
      fc.property(fc.string({ unit: "grapheme", maxLength: 20 }), (name) => {
        if (GROUP_NAME_PATTERN.test(name)) expect(published.test(name)).toBe(true);
      }),
    );
    for (const name of ["Team Zürich", "営業部", "ΑΒΓ-1", "𝒜lpha", "a.b_c-d"]) {
      expect(GROUP_NAME_PATTERN.test(name), name).toBe(true);
      expect(published.test(name), name).toBe(true);
    }
  });

  it("agrees with the server on ASCII names", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary-ascii", maxLength: 20 }), (name) => {
        expect(published.test(name)).toBe(GROUP_NAME_PATTERN.test(name));
      }),
    );
  });
});
