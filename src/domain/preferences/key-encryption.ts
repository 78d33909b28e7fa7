import { Buffer } from "node:buffer";
import { AppError } from "../../core/errors";

/**
 * API keys are encrypted with AES-256-GCM (Web Crypto) under a key from the ENCRYPTION_KEY secret:
 * `id:base64key[,oldId:base64key…]`. The first entry encrypts; all entries decrypt, so rotation is:
 * prepend a new key, deploy, re-encrypt (each key is re-encrypted under the current key the next
 * time it is written, or by `reencryptChunk` in key-rotation.ts behind
 * POST /users/admin/encryption/reencrypt), then drop the old entry. The row's
 * user/section/provider is bound as additional authenticated data, so a ciphertext copied to
 * another row does not decrypt. Without a valid ENCRYPTION_KEY nothing is stored: 503.
 */
export interface KeyRing {
  currentId: string;
  keys: Map<string, CryptoKey>;
}

const notConfigured = (why: string) =>
  new AppError("encryption_not_configured", `API keys cannot be stored or used: ${why}`);

const rings = new Map<string, Promise<KeyRing>>();

/** The key material of .dev.vars.example: public, so never accepted outside development. */
const EXAMPLE_KEY_MATERIAL = "Xo9Wq0vC2cT3m0mLkUoF1yv0m7yH1JQ7o8c9x4eXb2Q=";

/** The deployment's key ring (ENCRYPTION_KEY); the published example key only in development. */
export function keyRingFor(env: Env): Promise<KeyRing> {
  const secret = env.ENCRYPTION_KEY;
  if (env.ENVIRONMENT !== "development" && secret?.includes(EXAMPLE_KEY_MATERIAL)) {
    console.error(
      "ENCRYPTION_KEY is the public example key from .dev.vars.example: refused outside development",
    );
    return Promise.reject(
      notConfigured(
        "ENCRYPTION_KEY is the public example key; set a key of your own (ENVIRONMENT is not development)",
      ),
    );
  }
  return loadKeyRing(secret);
}

export function loadKeyRing(secret: string | undefined): Promise<KeyRing> {
  const raw = secret?.trim();
  if (!raw) return Promise.reject(notConfigured("ENCRYPTION_KEY is not set"));
  let ring = rings.get(raw);
  if (!ring) {
    ring = importRing(raw);
    rings.set(raw, ring);
    ring.catch(() => rings.delete(raw));
  }
  return ring;
}

async function importRing(raw: string): Promise<KeyRing> {
  const keys = new Map<string, CryptoKey>();
  let currentId = "";
  for (const entry of raw.split(",")) {
    const match = /^([A-Za-z0-9_-]{1,32}):([A-Za-z0-9+/=_-]+)$/.exec(entry.trim());
    const bytes = match?.[2] ? Buffer.from(match[2], "base64") : Buffer.alloc(0);
    if (!match?.[1] || bytes.length !== 32)
      throw notConfigured("ENCRYPTION_KEY must be id:base64(32 bytes)[,…]");
    keys.set(match[1], await crypto.subtle.importKey("raw", bytes, "AES-GCM", false, ["encrypt", "decrypt"]));
    currentId ||= match[1];
  }
  return { currentId, keys };
}

const aad = (context: string) => new TextEncoder().encode(context);

export async function encryptSecret(ring: KeyRing, plaintext: string, context: string) {
  const key = ring.keys.get(ring.currentId);
  if (!key) throw notConfigured("no current key");
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const sealed = await crypto.subtle.encrypt(
    { name: "AES-GCM", iv, additionalData: aad(context) },
    key,
    new TextEncoder().encode(plaintext),
  );
  const ciphertext = Buffer.concat([Buffer.from(iv), Buffer.from(sealed)]).toString("base64url");
  return { keyId: ring.currentId, ciphertext };
}

export async function decryptSecret(ring: KeyRing, keyId: string, ciphertext: string, context: string) {
  const key = ring.keys.get(keyId);
  if (!key) throw notConfigured(`key '${keyId}' is no longer in ENCRYPTION_KEY`);
  const bytes = Buffer.from(ciphertext, "base64url");
  const plain = await crypto.subtle.decrypt(
    { name: "AES-GCM", iv: bytes.subarray(0, 12), additionalData: aad(context) },
    key,
    bytes.subarray(12),
  );
  return new TextDecoder().decode(plain);
}

export const keyContext = (userId: string, section: string, provider: string) =>
  `${userId}:${section}:${provider}`;

/** What responses may show of a key. */
export const last4 = (secret: string) => secret.slice(-4);
