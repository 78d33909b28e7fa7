import { describe, expect, it } from "vitest";
import { AppError } from "../../src/core/errors";
import { parseOrigin, parseOriginList } from "../../src/core/origins";
import { allowedFrontendUri } from "../../src/domain/oidc/frontend-uri";
import { call } from "../helpers";

describe("parseOrigin: the one origin parser", () => {
  it.each([
    ["https://app.example.com", "https://app.example.com"],
    ["https://App.Example.COM:443/", "https://app.example.com"],
    ["http://localhost:5173", "http://localhost:5173"],
    ["http://[::1]:8787", "http://[::1]:8787"],
    ["https://bücher.example", "https://xn--bcher-kva.example"],
  ])("%s → %s", (raw, origin) => {
    expect(parseOrigin(raw)).toBe(origin);
  });

  it.each([
    "null",
    "",
    "*",
    "app.example.com",
    "ftp://app.example.com",
    "https://app.example.com/path",
    "https://app.example.com?x=1",
    "https://app.example.com#x",
    "https://user@app.example.com",
    "https://app.example.com\\@evil.net",
    "https://",
    " https://app.example.com",
  ])("refuses %j", (raw) => {
    expect(parseOrigin(raw)).toBeNull();
  });

  it("a malformed FRONTEND_ORIGINS entry is a configuration error, not silently dropped", () => {
    expect(parseOriginList(" https://a.example , http://localhost:5173/ ,", "X")).toEqual([
      "https://a.example",
      "http://localhost:5173",
    ]);
    expect(() => parseOriginList("https://a.example,https://b.example/app", "X")).toThrow(AppError);
    expect(() => parseOriginList("*", "X")).toThrow(/not an origin/);
  });

  it("the frontend URI check agrees with it", () => {
    const allowed = ["https://App.Example.com:443/"];
    expect(allowedFrontendUri("https://app.example.com/done?x=1", allowed)).toBe(
      "https://app.example.com/done?x=1",
    );
    expect(allowedFrontendUri("https://app.example.com.evil.net/", allowed)).toBeNull();
  });

  it("an Origin header that only normalises to an allowed origin is still compared as an origin", async () => {
    const res = await call("/users/me", {
      method: "OPTIONS",
      headers: { origin: "HTTP://LOCALHOST:5173", "access-control-request-method": "GET" },
    });
    expect(res.status).toBe(204);
    expect(res.headers.get("access-control-allow-origin")).toBe("http://localhost:5173");
  });
});
