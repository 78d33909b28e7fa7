import { describe, expect, it } from "vitest";
import { ADMIN, call, createSignedInUser, createUser, jsonInit, login } from "./helpers";

describe("POST /users/login/local", () => {
  it("signs in the bootstrap administrator, returning a token and a session cookie", async () => {
    const { res, body } = await login(ADMIN.username, ADMIN.password);
    expect(res.status).toBe(200);
    expect(body.token).toMatch(/^[0-9a-f-]{36}\.[A-Za-z0-9_-]{43}$/);
    expect(res.headers.get("set-cookie")).toMatch(/^session=.+HttpOnly.*SameSite=Lax/i);
    const me = await call("/users/me", { headers: { authorization: `Bearer ${body.token}` } });
    expect(me.status).toBe(200);
    expect(await me.json()).toMatchObject({ username: "admin", role: "admin", group: { name: "ungrouped" } });
  });

  it("answers unknown user and wrong password with the same 401", async () => {
    const user = await createUser();
    const unknown = await login("no-such-user", "whatever password");
    const wrong = await login(user.username, "wrong password!!");
    expect(unknown.res.status).toBe(401);
    expect(wrong.res.status).toBe(401);
    expect(unknown.body).toEqual(wrong.body);
    expect(unknown.body).toEqual({ detail: "Invalid username or password", code: "invalid_credentials" });
  });
});
