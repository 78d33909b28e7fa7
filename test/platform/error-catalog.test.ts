import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { ERROR_CODES } from "../../src/core/errors";

/** The README's "Errors" table, as [code, status] pairs. */
function readmeErrorTable(): [string, number][] {
  const section = env.TEST_README.split("### Errors")[1]?.split("\n## ")[0] ?? "";
  return [...section.matchAll(/^\| `([a-z_]+)` \| (\d{3}) \|/gm)].map((m) => [m[1] ?? "", Number(m[2])]);
}

describe("error catalog", () => {
  it("is documented in the README exactly: every code once, with its status", () => {
    const documented = readmeErrorTable();
    const catalog = Object.entries(ERROR_CODES).map(([code, entry]) => [code, entry.status]);
    expect(documented).toEqual(catalog);
  });
});
