import { randomToken, sha256Hex } from "../core/crypto";
import type { KvStore } from "../platform/metered-kv";

/**
 * Sign-in state in KV (docs/storage-schema.md, "OIDC"): `oidc-state:<state>` holds the PKCE
 * verifier, nonce, validated frontend URI, creation time, the hash of a browser-binding secret
 * (kept in a short-lived HttpOnly cookie), the frontend's PKCE-style code challenge if it sent one
 * and, for linking, the signed-in user and their session epoch. TTL 600 s.
 * `oidc-code:<sha256(code)>` holds a one-time sign-in code for other-site frontends, bound to the
 * frontend's code challenge, TTL 60 s.
 * KV cannot guarantee single use across locations (a delete takes up to ~60 s to propagate), so
 * state is also bound to the browser, PKCE binds the code to our verifier, and the provider
 * accepts each authorization code once.
 */
export const STATE_TTL_SECONDS = 600;
export const LOGIN_CODE_TTL_SECONDS = 60;

export interface OidcStateRecord {
  codeVerifier: string;
  nonce: string;
  frontendUri: string;
  createdAt: string;
  bindingHash: string;
  /** S256 challenge of a verifier the frontend keeps; the login code is only issued with one. */
  codeChallenge?: string | null;
  linkUserId: string | null;
  /** The linking user's session epoch at the start: ending their sessions meanwhile voids the link. */
  linkEpoch?: number;
}

export interface LoginCodeRecord {
  userId: string;
  epoch: number;
  frontendOrigin: string;
  /** The frontend's S256 code challenge: the exchange must present its verifier. */
  codeChallenge: string;
  /** When the user authenticated at the provider, for the session the exchange creates. */
  authTime: string;
}

const stateKey = (state: string) => `oidc-state:${state}`;

export async function saveState(kv: KvStore, state: string, record: OidcStateRecord) {
  await kv.put(stateKey(state), JSON.stringify(record), { expirationTtl: STATE_TTL_SECONDS });
}

/** Reads and deletes: a replayed callback at this location finds nothing. */
export async function takeState(kv: KvStore, state: string): Promise<OidcStateRecord | null> {
  if (!/^[A-Za-z0-9_-]{22,128}$/.test(state)) return null;
  const record = await kv.getJson<OidcStateRecord>(stateKey(state));
  if (record) await kv.delete(stateKey(state));
  return record;
}

export async function issueLoginCode(kv: KvStore, record: LoginCodeRecord): Promise<string> {
  const code = randomToken();
  await kv.put(`oidc-code:${await sha256Hex(code)}`, JSON.stringify(record), {
    expirationTtl: LOGIN_CODE_TTL_SECONDS,
  });
  return code;
}

export async function takeLoginCode(kv: KvStore, code: string): Promise<LoginCodeRecord | null> {
  if (!/^[A-Za-z0-9_-]{43}$/.test(code)) return null;
  const key = `oidc-code:${await sha256Hex(code)}`;
  const record = await kv.getJson<LoginCodeRecord>(key);
  if (record) await kv.delete(key);
  return record;
}
