import { describe, expect, it } from "vitest";
import { client, createSignedInUser, login } from "../helpers";

const change = (token: string, current: string, next: string) =>
  client({ token }).users.password.$put({ json: { current_password: current, new_password: next } });

describe("PUT /users/password under attack and under races", () => {
  it("counts wrong current passwords toward the account lockout", async () => {
    const user = await createSignedInUser();
    for (let i = 0; i < 4; i++) {
      expect((await change(user.token, `wrong guess ${i}`, "a brand new passphrase")).status).toBe(403);
    }
    const fifth = await change(user.token, "wrong guess 5", "a brand new passphrase");
    expect(fifth.status).toBe(429);
    expect(fifth.headers.get("retry-after")).toMatch(/^\d+$/);
    // Locked: even the right password is refused now, at sign-in and at password change.
    expect((await change(user.token, user.password, "a brand new passphrase")).status).toBe(429);
    expect((await login(user.username, user.password)).status).toBe(429);
  });

  it("lets at most one of two parallel changes with the same current password succeed", async () => {
    const user = await createSignedInUser();
    const results = await Promise.all([
      change(user.token, user.password, "first new passphrase"),
      change(user.token, user.password, "second new passphrase"),
    ]);
    const statuses = results.map((r) => r.status).sort();
    expect(statuses.filter((s) => s === 200)).toHaveLength(1);
    // The loser either lost the race inside the write (409) or ran after the winner and found its
    // current password no longer current (403); either way nothing of it was applied.
    expect(statuses.every((s) => [200, 401, 403, 409].includes(s))).toBe(true);
    const winner = statuses.includes(200) && results[0]?.status === 200 ? "first" : "second";
    expect((await login(user.username, `${winner} new passphrase`)).status).toBe(200);
  });
});
