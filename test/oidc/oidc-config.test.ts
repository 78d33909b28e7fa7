import { env } from "cloudflare:workers";
import { describe, expect, it, vi } from "vitest";
import { createApp } from "../../src/app";

describe("OIDC configuration", () => {
  it("answers 503 with a clear message when OIDC is not configured", async () => {
    const app = createApp();
    const res = await app.request("/api/v1/users/login", {}, { ...env, OIDC_ISSUER: "" });
    expect(res.status).toBe(503);
    expect(await res.json()).toMatchObject({
      code: "oidc_not_configured",
      detail: expect.stringContaining("OIDC_ISSUER"),
    });
  });

  it("answers 503 oidc_unavailable when the provider cannot be reached, never 500", async () => {
    vi.spyOn(globalThis, "fetch").mockRejectedValue(new TypeError("network down"));
    const app = createApp();
    const res = await app.request(
      "/api/v1/users/login",
      {},
      { ...env, OIDC_ISSUER: "https://unreachable.example" },
    );
    vi.restoreAllMocks();
    expect(res.status).toBe(503);
    expect(await res.json()).toMatchObject({ code: "oidc_unavailable" });
  });
});
