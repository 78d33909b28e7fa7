import { describe, expect, it } from "vitest";
import { bodyAt, call, client, createUser, login, sessionFrom } from "../helpers";

/** Signs the same user in from two devices and returns both tokens. */
async function twoDevices() {
  const user = await createUser();
  const signIn = async (userAgent: string) => {
    const caller = { ip: "198.51.100.7", headers: { "user-agent": userAgent } };
    const res = await client(caller).users.login.local.$post({
      json: { username: user.username, password: user.password },
    });
    return (await sessionFrom(res)).token;
  };
  const laptop = await signIn("Mozilla/5.0 (X11; Linux x86_64) Chrome/150.0 Safari/537.36");
  const phone = await signIn("Mozilla/5.0 (iPhone; CPU iPhone OS 18_0 like Mac OS X) Safari/604.1");
  return { user, laptop, phone };
}

const listOf = async (token: string) =>
  (await bodyAt(await client({ token }).users.me.sessions.$get(), 200)).data;

describe("/users/me/sessions", () => {
  it("lists the caller's sessions with device, address and time, and marks the current one", async () => {
    const { laptop } = await twoDevices();
    const sessions = await listOf(laptop);
    expect(sessions).toHaveLength(2);
    expect(sessions.filter((s) => s.current)).toHaveLength(1);
    expect(sessions.find((s) => s.current)?.user_agent).toContain("Linux");
    expect(sessions[0]).toMatchObject({
      ip: "198.51.100.7",
      method: "local",
      created_at: expect.any(String),
      expires_at: expect.any(String),
      id: expect.stringMatching(/^[0-9a-f]{64}$/),
    });
  });

  it("ends one session by id: that token stops working, the caller's keeps working", async () => {
    const { laptop, phone } = await twoDevices();
    const other = (await listOf(laptop)).find((s) => !s.current);
    expect(other).toBeDefined();
    const res = await call(`/users/me/sessions/${other?.id}`, { token: laptop, method: "DELETE" });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ended: 1 });
    expect((await call("/users/me", { token: phone })).status).toBe(401);
    expect((await call("/users/me", { token: laptop })).status).toBe(200);
    const again = await call(`/users/me/sessions/${other?.id}`, { token: laptop, method: "DELETE" });
    expect(again.status).toBe(404);
    expect(await again.json()).toMatchObject({ code: "not_found" });
  });

  it("cannot end another user's session: ids are looked up under the caller only", async () => {
    const { phone } = await twoDevices();
    const stranger = await twoDevices();
    const theirs = (await listOf(stranger.laptop))[0];
    const res = await call(`/users/me/sessions/${theirs?.id}`, { token: phone, method: "DELETE" });
    expect(res.status).toBe(404);
    expect((await call("/users/me", { token: stranger.laptop })).status).toBe(200);
  });

  it("ends all other sessions at once and keeps the current one", async () => {
    const { user, laptop, phone } = await twoDevices();
    const third = await sessionFrom(await login(user.username, user.password));
    const res = await call("/users/me/sessions", { token: laptop, method: "DELETE" });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ended: 2 });
    expect((await call("/users/me", { token: phone })).status).toBe(401);
    expect((await call("/users/me", { token: third.token })).status).toBe(401);
    expect((await call("/users/me", { token: laptop })).status).toBe(200);
    const left = await listOf(laptop);
    expect(left).toHaveLength(1);
    expect(left[0]?.current).toBe(true);
  });

  it("refuses a malformed id with 422 and anonymous callers with 401", async () => {
    const { laptop } = await twoDevices();
    expect((await call("/users/me/sessions/not-an-id", { token: laptop, method: "DELETE" })).status).toBe(
      422,
    );
    expect((await call("/users/me/sessions")).status).toBe(401);
  });
});

describe("GET /api/v1/docs", () => {
  it("serves the reference UI from the Worker's own assets, with no script or style from another origin", async () => {
    const res = await call("/docs");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("text/html");
    const html = await res.text();
    const sources = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1] ?? "");
    expect(sources.length).toBeGreaterThan(2);
    for (const source of sources) expect(source).toMatch(/^\/(?!\/)/);
    expect(html).not.toMatch(/<script>(?!<\/script>)|<script(?![^>]*\bsrc=)[^>]*>/);
    expect(html).toContain('data-spec-url="/api/v1/openapi.json"');
  });
});
