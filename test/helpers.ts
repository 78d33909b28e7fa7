import { exports } from "cloudflare:workers";
import { hc } from "hono/client";
import type { AppType } from "../src/app";
import { hashPassword } from "../src/domain/passwords/password-hash";
import { createGroupWithMember, insertUser } from "./seed";

import { bodyAt } from "./typed-response";

export { bodyAt, expectStatus } from "./typed-response";

export const BASE = "http://localhost:8787/api/v1";
export const ADMIN = { username: "admin", password: "bootstrap-admin-password" };

/** Who is calling and how: the headers every request of a client or `call` carries. */
export interface Caller {
  /** Sent as `Authorization: Bearer <token>`. */
  token?: string;
  /** Sent as `CF-Connecting-IP`, the client address the per-address throttle counts. */
  ip?: string;
  headers?: Record<string, string>;
}

/** How a request reaches the Worker; by default its real fetch handler (the production path). */
export type Worker = (request: Request) => Promise<Response>;
export const viaWorker: Worker = (request) => exports.default.fetch(request);

function headersOf({ token, ip, headers = {} }: Caller): Record<string, string> {
  return {
    ...(token ? { authorization: `Bearer ${token}` } : {}),
    ...(ip ? { "cf-connecting-ip": ip } : {}),
    ...headers,
  };
}

/**
 * The API as a typed client (hono `hc` over the app's own route types), calling through the
 * Worker's fetch handler: `client({ token }).users.me.profile.$put({ json: { bio: "x" } })`.
 */
export function client(caller: Caller & { worker?: Worker } = {}) {
  const worker = caller.worker ?? viaWorker;
  return hc<AppType>(BASE, {
    headers: headersOf(caller),
    // Redirects are answers under test: never follow them.
    fetch: (input: RequestInfo | URL, init?: RequestInit) =>
      worker(new Request(input, { ...init, redirect: "manual" })),
  });
}

export type Api = ReturnType<typeof client>;

/** The API without a session. */
export const api = client();

/**
 * A raw request, for what the typed client cannot express: bodies and queries its types refuse,
 * malformed JSON, other content types, multipart, full URLs, unknown routes, and routes registered
 * in a loop (their types do not reach AppType: /users/me/config/verify_{section}).
 */
export interface RawRequest extends Caller {
  method?: string;
  worker?: Worker;
  /** Serialised as the body, with `content-type: application/json`. */
  json?: unknown;
  body?: BodyInit;
}

/** Calls the Worker through its real fetch handler; `path` is under /api/v1 unless it is a full URL. */
export function call(path: string, { method, json, body, worker = viaWorker, ...caller }: RawRequest = {}) {
  const url = /^https?:\/\//.test(path) ? path : `${BASE}${path}`;
  const headers = headersOf({
    ...caller,
    headers: { ...(json === undefined ? {} : { "content-type": "application/json" }), ...caller.headers },
  });
  return worker(
    new Request(url, {
      method,
      headers,
      redirect: "manual",
      body: json === undefined ? body : JSON.stringify(json),
    }),
  );
}

/** A fresh benchmark-range address per call, so the per-address sign-in throttle never interferes. */
export const randomIp = () =>
  `198.18.${Math.floor(Math.random() * 256)}.${Math.floor(Math.random() * 254) + 1}`;

export function login(username: string, password: string, ip = randomIp()) {
  return client({ ip }).users.login.local.$post({ json: { username, password } });
}

/** A signed-in caller: the session token and a typed client that sends it. */
export const signedIn = (token: string) => ({ token, api: client({ token }) });

/** The session a sign-in answered with (not a second-factor challenge); fails the test otherwise. */
export async function sessionFrom(res: Awaited<ReturnType<typeof login>>) {
  const body = await bodyAt(res, 200);
  if (!("token" in body)) throw new Error("expected a session, got a second-factor challenge");
  return body;
}

async function signIn(username: string, password: string) {
  const res = await login(username, password);
  if (res.status !== 200) throw new Error(`login of ${username} failed: ${res.status}`);
  const { token, user } = await sessionFrom(res);
  return { ...signedIn(token), id: user.id };
}

export const loginAdmin = () => signIn(ADMIN.username, ADMIN.password);

let counter = 0;
/** Inserts a local user through the storage module (a cheap hash keeps tests fast). */
export async function createUser(
  overrides: { role?: "admin" | "user"; password?: string; username?: string } = {},
) {
  counter += 1;
  const username = overrides.username ?? `user${counter}-${crypto.randomUUID().slice(0, 8)}`;
  const password = overrides.password ?? "correct horse battery";
  // Low-cost parameters for speed; production parameters are covered in test/platform/passwords.test.ts.
  const passwordHash = await hashPassword(password, { logN: 10, r: 8, p: 1 });
  const { id } = await insertUser({ username, role: overrides.role ?? "user", passwordHash });
  return { id, username, password };
}

export async function createSignedInUser(overrides: Parameters<typeof createUser>[0] = {}) {
  const user = await createUser(overrides);
  return { ...user, ...(await signIn(user.username, user.password)) };
}

/** A signed-in user in a new group with the given policy. */
export async function createSignedInUserInGroup(policy: unknown) {
  const user = await createSignedInUser();
  const groupId = await createGroupWithMember(policy, user.id);
  return { ...user, groupId };
}
