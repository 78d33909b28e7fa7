import { describe, expect, it } from "vitest";
import { z } from "zod";
import { call, client, createSignedInUser } from "../helpers";
import { auditRequestIds } from "../seed";

/** Raw: malformed bodies and wrong content types are what the typed client cannot send. */
const post = (body: BodyInit, contentType?: string) =>
  call("/users/login/local", {
    method: "POST",
    body,
    headers: contentType ? { "content-type": contentType } : {},
  });

const OpenApiDocument = z.object({
  openapi: z.string(),
  paths: z.record(z.string(), z.record(z.string(), z.unknown())),
});

describe("error model", () => {
  it("answers validation failures with 422 and the detail list shape", async () => {
    const res = await post(JSON.stringify({ username: "x" }), "application/json");
    expect(res.status).toBe(422);
    expect(await res.json()).toEqual({
      detail: [{ loc: ["body", "password"], msg: expect.any(String), type: "invalid_type" }],
    });
  });

  it("refuses unknown fields and wrong types with 422", async () => {
    const unknown = await post(
      JSON.stringify({ username: "x", password: "y", admin: true }),
      "application/json",
    );
    const wrongType = await post(JSON.stringify({ username: 1, password: ["y"] }), "application/json");
    expect(unknown.status).toBe(422);
    expect(wrongType.status).toBe(422);
    expect(await wrongType.json()).toMatchObject({
      detail: [{ loc: ["body", "username"] }, { loc: ["body", "password"] }],
    });
  });

  it("answers malformed JSON with 400 invalid_json", async () => {
    const res = await post("{not json", "application/json");
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ detail: "Request body is not valid JSON", code: "invalid_json" });
  });

  it("answers a wrong content type with 415", async () => {
    const res = await post("username=a&password=b", "text/plain");
    expect(res.status).toBe(415);
    expect(await res.json()).toMatchObject({ code: "unsupported_media_type" });
  });

  it("answers a body over 64 KiB with 413 before parsing it", async () => {
    const res = await post(
      JSON.stringify({ username: "x", password: "y".repeat(70_000) }),
      "application/json",
    );
    expect(res.status).toBe(413);
    expect(await res.json()).toMatchObject({ code: "payload_too_large" });
  });

  it("answers an unknown route with 404 JSON", async () => {
    const res = await call("/nope");
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({ detail: "No route for GET /api/v1/nope", code: "not_found" });
  });

  it("answers a known path with the wrong method with 405 and Allow", async () => {
    const res = await call("/users/me", { method: "DELETE" });
    expect(res.status).toBe(405);
    expect(res.headers.get("allow")).toBe("GET");
    expect(await res.json()).toMatchObject({ code: "method_not_allowed" });
  });

  it("gives every response our own request id, never the one the client sent", async () => {
    const user = await createSignedInUser();
    const res = await user.api.users.me.$get();
    expect(res.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
    const sent = await client({ headers: { "x-request-id": "client-chosen-id" } }).health.$get();
    expect(sent.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("records our own request id in the audit log and keeps the client's apart", async () => {
    const user = await createSignedInUser();
    const res = await user.api.users.me.profile.$put(
      { json: { bio: "hello" } },
      { headers: { "x-request-id": "client-chosen-id" } },
    );
    expect(res.status).toBe(200);
    const ours = res.headers.get("x-request-id");
    expect(await auditRequestIds(user.id, "user.profile_updated")).toEqual({
      requestId: ours,
      clientRequestId: "client-chosen-id",
    });
  });
});

describe("API documentation", () => {
  it("serves an OpenAPI 3.1 document generated from the route schemas", async () => {
    const res = await call("/openapi.json");
    expect(res.status).toBe(200);
    const doc = OpenApiDocument.parse(await res.json());
    expect(doc.openapi).toBe("3.1.0");
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining([
        "/api/v1/users/login/local",
        "/api/v1/users/me",
        "/api/v1/users/me/profile",
        "/api/v1/users/password",
        "/api/v1/users/logout",
        "/api/v1/users/login",
        "/api/v1/users/login/callback",
        "/api/v1/users/login/exchange",
        "/api/v1/users/me/config",
        "/api/v1/users/me/config/providers",
        "/api/v1/users/me/config/models",
        "/api/v1/users/me/config/verify_llm",
        "/api/v1/users/me/config/verify_tts",
        "/api/v1/users/me/config/verify_stt",
        "/api/v1/users/me/config/export",
        "/api/v1/users/me/config/import",
        "/api/v1/users/admin/users",
        "/api/v1/users/admin/users/{uid}",
        "/api/v1/users/admin/users/{uid}/role",
        "/api/v1/users/admin/groups",
        "/api/v1/users/admin/groups/{gid}",
        "/api/v1/users/admin/audit",
      ]),
    );
    expect(doc.paths["/api/v1/users/me/profile"]).toHaveProperty("put");
  });

  it("documents the group name pattern as a regular expression that valid names match", async () => {
    const doc = z
      .object({
        components: z.object({
          schemas: z.record(
            z.string(),
            z
              .object({ properties: z.record(z.string(), z.object({ pattern: z.string().optional() })) })
              .partial(),
          ),
        }),
      })
      .parse(await (await call("/openapi.json")).json());
    for (const name of ["CreateGroup", "UpdateGroup"]) {
      const pattern = doc.components.schemas[name]?.properties?.name?.pattern ?? "";
      expect(new RegExp(pattern, "u").test("Équipe 7.a_b-c")).toBe(true);
    }
  });

  it("serves an interactive reference page", async () => {
    const res = await call("/docs");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("text/html");
    expect(await res.text()).toContain("/api/v1/openapi.json");
  });
});
