import { env, exports } from "cloudflare:workers";
import { hashPassword } from "../src/domain/passwords/password-hash";

export const BASE = "http://localhost:8787/api/v1";
export const ADMIN = { username: "admin", password: "bootstrap-admin-password" };

/** Calls the Worker through its real fetch handler (the same path production takes). */
export function call(path: string, init: RequestInit = {}): Promise<Response> {
  return exports.default.fetch(new Request(`${BASE}${path}`, init));
}

export function jsonInit(
  method: string,
  body: unknown,
  token?: string,
  headers: Record<string, string> = {},
) {
  return {
    method,
    headers: {
      "content-type": "application/json",
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...headers,
    },
    body: JSON.stringify(body),
  };
}

export const authed = (token: string, init: RequestInit = {}): RequestInit => ({
  ...init,
  headers: { ...Object.fromEntries(new Headers(init.headers).entries()), authorization: `Bearer ${token}` },
});

/** A fresh benchmark-range address per call, so the per-address sign-in throttle never interferes. */
export const randomIp = () =>
  `198.18.${Math.floor(Math.random() * 256)}.${Math.floor(Math.random() * 254) + 1}`;

export async function login(username: string, password: string, ip = randomIp()) {
  const res = await call(
    "/users/login/local",
    jsonInit("POST", { username, password }, undefined, { "cf-connecting-ip": ip }),
  );
  return { res, body: (await res.json()) as { token: string; user: { id: string }; expires_at: string } };
}

export async function loginAdmin() {
  const { res, body } = await login(ADMIN.username, ADMIN.password);
  if (res.status !== 200) throw new Error(`admin login failed: ${res.status}`);
  return body.token;
}

let counter = 0;
/** Inserts a local user straight into D1 (a cheap hash keeps tests fast) and signs them in. */
export async function createUser(
  overrides: { role?: "admin" | "user"; password?: string; username?: string } = {},
) {
  counter += 1;
  const username = overrides.username ?? `user${counter}-${crypto.randomUUID().slice(0, 8)}`;
  const password = overrides.password ?? "correct horse battery";
  const id = crypto.randomUUID();
  // Low-cost parameters for speed; production parameters are covered in password-hash tests.
  const hash = await hashPassword(password, { logN: 10, r: 8, p: 1 });
  await env.DB.prepare(
    "INSERT INTO users (id, username, role, password_hash, password_changed_at) VALUES (?, ?, ?, ?, ?)",
  )
    .bind(id, username, overrides.role ?? "user", hash, new Date().toISOString())
    .run();
  return { id, username, password };
}

export async function createSignedInUser(overrides: Parameters<typeof createUser>[0] = {}) {
  const user = await createUser(overrides);
  const { res, body } = await login(user.username, user.password);
  if (res.status !== 200) throw new Error(`login failed: ${res.status} ${JSON.stringify(body)}`);
  return { ...user, token: body.token };
}

/** A signed-in user in a new group with the given policy (written straight to D1). */
export async function createSignedInUserInGroup(policy: unknown) {
  const user = await createSignedInUser();
  const groupId = crypto.randomUUID();
  await env.DB.batch([
    env.DB.prepare("INSERT INTO groups (id, name, name_key, policy) VALUES (?, ?, ?, ?)").bind(
      groupId,
      `g-${groupId}`,
      `g-${groupId}`,
      JSON.stringify(policy),
    ),
    env.DB.prepare("UPDATE users SET group_id = ? WHERE id = ?").bind(groupId, user.id),
  ]);
  return { ...user, groupId };
}
