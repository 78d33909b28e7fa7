import { env } from "cloudflare:workers";
import { and, count, eq, isNull, ne } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { createDb } from "../../src/db/client";
import { groups, identities, users } from "../../src/db/schema";
import { signInWithIdentity } from "../../src/domain/oidc/provision";
import { bodyAt, call, client, createSignedInUser, createUser } from "../helpers";

/**
 * Two valid requests racing each other end in a clear answer (a 2xx for the winner, a 4xx for
 * the loser), never a 5xx and never a broken invariant. Each race is repeated for several rounds.
 */
const db = createDb(env.DB);
const ROUNDS = 5;
const statusesOf = (responses: Response[]) => responses.map((r) => r.status);
const noServerErrors = (responses: Response[]) =>
  expect(statusesOf(responses).filter((s) => s >= 500)).toEqual([]);
const bearer = (token: string, method: string) => ({ token, method });

async function activeAdmins() {
  const [row] = await db
    .select({ n: count() })
    .from(users)
    .where(and(eq(users.role, "admin"), eq(users.status, "ACTIVE"), isNull(users.deletedAt)));
  return row?.n ?? 0;
}

describe("races between valid requests", () => {
  it("administrators demoting, disabling and deleting each other never leave zero active administrators", async () => {
    for (let round = 0; round < ROUNDS; round++) {
      const a = await createSignedInUser({ role: "admin" });
      const b = await createSignedInUser({ role: "admin" });
      // Only these two are active administrators during the round.
      await db
        .update(users)
        .set({ status: "DISABLED" })
        .where(and(eq(users.role, "admin"), ne(users.id, a.id), ne(users.id, b.id)));
      const responses = await Promise.all([
        call(`/users/admin/users/${b.id}/role`, { method: "PUT", json: { role: "user" }, token: a.token }),
        call(`/users/admin/users/${a.id}/status`, {
          method: "PUT",
          json: { status: "DISABLED" },
          token: b.token,
        }),
        call(`/users/admin/users/${b.id}`, bearer(a.token, "DELETE")),
        call(`/users/admin/users/${a.id}`, bearer(b.token, "DELETE")),
      ]);
      noServerErrors(responses);
      // A loser may have lost its own role (403) or session (401) to the winner first.
      expect(statusesOf(responses).every((s) => [200, 401, 403, 404, 409].includes(s))).toBe(true);
      expect(await activeAdmins()).toBeGreaterThanOrEqual(1);
    }
  });

  it("deleting a group while users are assigned to it or created into it never leaves a user in a deleted group", async () => {
    const { token: admin } = await createSignedInUser({ role: "admin" });
    for (let round = 0; round < ROUNDS; round++) {
      const created = await client({ token: admin }).users.admin.groups.$post({
        json: { name: `race-${crypto.randomUUID()}` },
      });
      const { id: gid } = await bodyAt(created, 201);
      const members = await Promise.all([createUser(), createUser()]);
      const responses = await Promise.all([
        ...members.map((m) =>
          call(`/users/admin/users/${m.id}/group`, { method: "PUT", json: { group_id: gid }, token: admin }),
        ),
        call("/users/admin/users", {
          method: "POST",
          json: {
            username: `new-${crypto.randomUUID().slice(0, 8)}`,
            password: "a long enough pass",
            group_id: gid,
          },
          token: admin,
        }),
        call(`/users/admin/groups/${gid}`, bearer(admin, "DELETE")),
      ]);
      noServerErrors(responses);
      expect(statusesOf(responses).every((s) => [200, 201, 404].includes(s))).toBe(true);
      const orphans = await db
        .select({ id: users.id })
        .from(users)
        .leftJoin(groups, eq(users.groupId, groups.id))
        .where(isNull(groups.id));
      expect(orphans).toEqual([]);
    }
  });

  it("concurrent preference writes with the same If-Match give exactly one success", async () => {
    const user = await createSignedInUser();
    for (let round = 0; round < ROUNDS; round++) {
      const current = await call("/users/me/config", { token: user.token });
      const etag = current.headers.get("etag") ?? "";
      const responses = await Promise.all(
        ["gpt-5", "gpt-5-mini", "o3"].map((model) =>
          call("/users/me/config", {
            method: "PUT",
            json: { llm: { provider: "openai", model } },
            token: user.token,
            headers: { "if-match": etag },
          }),
        ),
      );
      noServerErrors(responses);
      expect(statusesOf(responses).sort()).toEqual([200, 412, 412]);
    }
  });

  it("concurrent creation of one username gives one user", async () => {
    const { token: admin } = await createSignedInUser({ role: "admin" });
    for (let round = 0; round < ROUNDS; round++) {
      const username = `same-${crypto.randomUUID().slice(0, 8)}`;
      const responses = await Promise.all(
        [username, username.toUpperCase(), username].map((name) =>
          call("/users/admin/users", {
            method: "POST",
            json: { username: name, password: "a long enough pass" },
            token: admin,
          }),
        ),
      );
      noServerErrors(responses);
      expect(statusesOf(responses).sort()).toEqual([201, 409, 409]);
    }
  });

  it("parallel first OIDC sign-ins of one subject give one user, and both are signed in", async () => {
    for (let round = 0; round < ROUNDS; round++) {
      const identity = { subject: `parallel-${crypto.randomUUID()}`, claims: { name: "Parallel Person" } };
      const context = {
        issuer: "https://idp.example.com",
        identity,
        link: null,
        origin: { requestId: null, clientRequestId: null, ip: null },
      };
      const signedIn = await Promise.all([signInWithIdentity(db, context), signInWithIdentity(db, context)]);
      expect(signedIn[0].id).toBe(signedIn[1].id);
      const [row] = await db
        .select({ n: count() })
        .from(identities)
        .where(eq(identities.subject, identity.subject));
      expect(row?.n).toBe(1);
    }
  });

  it("group names that differ only in Unicode form or case collide", async () => {
    const { token: admin } = await createSignedInUser({ role: "admin" });
    const create = (name: string) =>
      call("/users/admin/groups", { method: "POST", json: { name }, token: admin });
    const suffix = crypto.randomUUID().slice(0, 6);
    expect((await create(`Straße ${suffix}`)).status).toBe(201);
    expect((await create(`STRASSE ${suffix}`)).status).toBe(409);
    expect((await create(`ｔｅａｍ ${suffix}`)).status).toBe(201);
    const lookAlike = await create(`TEAM ${suffix}`);
    expect(lookAlike.status).toBe(409);
    expect(await lookAlike.json()).toMatchObject({ code: "group_name_taken" });
  });
});
