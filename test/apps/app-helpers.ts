import { env } from "cloudflare:workers";
import { expect } from "vitest";
import { call, loginAdmin } from "../helpers";

/** Creates a personal API key through the API (with a session) and returns the answer. */
export async function createPersonalKey(sessionToken: string, body: Record<string, unknown>) {
  const res = await call("/users/me/api-keys", {
    method: "POST",
    json: { name: "script", ...body },
    token: sessionToken,
  });
  expect(res.status).toBe(201);
  const created: { id: string; token: string; prefix: string; scopes: string[] } = await res.json();
  return created;
}

/** A new service account with one key holding `scopes`. */
export async function createServiceAccount(scopes: string[]) {
  const { token: admin } = await loginAdmin();
  const name = `app-${crypto.randomUUID().slice(0, 8)}`;
  const res = await call("/users/admin/service-accounts", { method: "POST", json: { name }, token: admin });
  expect(res.status).toBe(201);
  const account: { id: string; name: string } = await res.json();
  const keyRes = await call(`/users/admin/service-accounts/${account.id}/keys`, {
    method: "POST",
    json: { name: "backend", scopes },
    token: admin,
  });
  expect(keyRes.status).toBe(201);
  const key: { id: string; token: string } = await keyRes.json();
  return { admin, account, key };
}

/** The newest audit entry with this action and target, details parsed. */
export async function lastAudit(action: string, targetId: string) {
  const row = await env.DB.prepare(
    "SELECT * FROM audit_log WHERE action = ? AND target_id = ? ORDER BY id DESC LIMIT 1",
  )
    .bind(action, targetId)
    .first<{ actor_id: string; ip: string | null; details: string; request_id: string; at: string }>();
  if (!row) return null;
  const details: Record<string, unknown> = JSON.parse(row.details);
  return { ...row, details };
}
