import { randomBytes, scrypt, timingSafeEqual } from "node:crypto";

/**
 * scrypt through node:crypto (native in workerd under nodejs_compat). N=2^14, r=8, p=5 is one of
 * the OWASP Password Storage Cheat Sheet's equivalent minimums and needs 16 MiB, which fits the
 * 128 MB isolate even with several concurrent sign-ins (N=2^17 would need 128 MiB alone).
 * PBKDF2 is not used: production Workers cap it at 100,000 iterations, below OWASP's 600,000.
 */
export const CURRENT_PARAMS = { logN: 14, r: 8, p: 5 } as const;
const KEY_LENGTH = 32;
const SALT_LENGTH = 16;
const MAX_MEMORY = 64 * 1024 * 1024;

interface ScryptParams {
  logN: number;
  r: number;
  p: number;
}

function derive(password: string, salt: Buffer, params: ScryptParams): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(
      password.normalize("NFKC"),
      salt,
      KEY_LENGTH,
      { N: 2 ** params.logN, r: params.r, p: params.p, maxmem: MAX_MEMORY },
      (err, key) => (err ? reject(err) : resolve(key)),
    );
  });
}

/** `$scrypt$ln=14,r=8,p=5$<salt b64>$<hash b64>`: algorithm and parameters travel with the hash. */
export async function hashPassword(password: string, params: ScryptParams = CURRENT_PARAMS): Promise<string> {
  const salt = randomBytes(SALT_LENGTH);
  const key = await derive(password, salt, params);
  return `$scrypt$ln=${params.logN},r=${params.r},p=${params.p}$${salt.toString("base64")}$${key.toString("base64")}`;
}

interface ParsedHash {
  params: ScryptParams;
  salt: Buffer;
  key: Buffer;
}

function parseHash(stored: string): ParsedHash | null {
  const match = /^\$scrypt\$ln=(\d+),r=(\d+),p=(\d+)\$([A-Za-z0-9+/=]+)\$([A-Za-z0-9+/=]+)$/.exec(stored);
  if (!match) return null;
  const [, logN, r, p, salt, key] = match;
  return {
    params: { logN: Number(logN), r: Number(r), p: Number(p) },
    salt: Buffer.from(salt ?? "", "base64"),
    key: Buffer.from(key ?? "", "base64"),
  };
}

/** Constant-time comparison of the derived key; a malformed stored hash never matches. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parsed = parseHash(stored);
  if (!parsed) return false;
  const key = await derive(password, parsed.salt, parsed.params);
  return key.length === parsed.key.length && timingSafeEqual(key, parsed.key);
}

/** True when the stored hash uses weaker parameters than today's, so sign-in can upgrade it. */
export function needsRehash(stored: string): boolean {
  const parsed = parseHash(stored);
  if (!parsed) return true;
  const { logN, r, p } = parsed.params;
  return logN < CURRENT_PARAMS.logN || r < CURRENT_PARAMS.r || p < CURRENT_PARAMS.p;
}

/** A hash of a throwaway password with CURRENT_PARAMS, so the dummy check costs one derivation. */
export const DUMMY_HASH =
  "$scrypt$ln=14,r=8,p=5$fDDls9zqVpbORIw/Exny+g==$K5wx0ftdDSkv2HtX1L80KwNV9n83qK4J8sBx+rKlC4w=";

/**
 * Spend the same work as a real verification when the user does not exist, so an unknown
 * username and a wrong password answer in similar time.
 */
export async function burnPasswordCheck(password: string): Promise<void> {
  await verifyPassword(password, DUMMY_HASH);
}
