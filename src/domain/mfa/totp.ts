import { createTOTPKeyURI, generateHOTP } from "@oslojs/otp";
import { renderSVG } from "uqr";
import { decryptSecret, encryptSecret, type KeyRing } from "../preferences/key-encryption";

/**
 * TOTP as RFC 6238 with the parameters every authenticator app supports: SHA-1, 30-second steps,
 * 6 digits, a 160-bit secret. A code is accepted for the current step or one either side; the
 * step that was used is stored, and only a later step is accepted next (storage/mfa-factors.ts).
 */
export const TOTP_PERIOD_SECONDS = 30;
export const TOTP_DIGITS = 6;
const SECRET_BYTES = 20;
const ISSUER = "Edge Users";

export const currentStep = (now = Date.now()) => Math.floor(now / 1000 / TOTP_PERIOD_SECONDS);

/** The additional authenticated data binding a stored secret to its user. */
const totpContext = (userId: string) => `totp:${userId}`;

export interface NewTotpSecret {
  keyId: string;
  ciphertext: string;
  /** base32 (RFC 4648, no padding): what a person types when they cannot scan the QR code. */
  secret: string;
  uri: string;
  qrSvg: string;
}

const BASE32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

function base32(bytes: Uint8Array): string {
  let bits = 0;
  let value = 0;
  let out = "";
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += BASE32[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += BASE32[(value << (5 - bits)) & 31];
  return out;
}

export async function newTotpSecret(
  ring: KeyRing,
  userId: string,
  accountName: string,
): Promise<NewTotpSecret> {
  const key = crypto.getRandomValues(new Uint8Array(SECRET_BYTES));
  const secret = base32(key);
  const { keyId, ciphertext } = await encryptSecret(ring, secret, totpContext(userId));
  const uri = createTOTPKeyURI(ISSUER, accountName, key, TOTP_PERIOD_SECONDS, TOTP_DIGITS);
  return { keyId, ciphertext, secret, uri, qrSvg: renderSVG(uri) };
}

function fromBase32(text: string): Uint8Array {
  const out: number[] = [];
  let bits = 0;
  let value = 0;
  for (const ch of text) {
    value = (value << 5) | BASE32.indexOf(ch);
    bits += 5;
    if (bits >= 8) {
      out.push((value >>> (bits - 8)) & 255);
      bits -= 8;
    }
  }
  return new Uint8Array(out);
}

function equalCodes(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return diff === 0;
}

/**
 * The time step whose code `code` is, among the current step and one either side; null when
 * none matches. Whether that step may still be used is the caller's conditional UPDATE.
 */
export async function matchingStep(
  ring: KeyRing,
  stored: { userId: string; keyId: string; ciphertext: string },
  code: string,
  now = Date.now(),
): Promise<number | null> {
  if (!/^\d{6}$/.test(code)) return null;
  const key = fromBase32(
    await decryptSecret(ring, stored.keyId, stored.ciphertext, totpContext(stored.userId)),
  );
  const step = currentStep(now);
  let found: number | null = null;
  for (const candidate of [step - 1, step, step + 1]) {
    // Every candidate is computed and compared, so timing does not tell which one matched.
    if (equalCodes(generateHOTP(key, BigInt(candidate), TOTP_DIGITS), code)) found = candidate;
  }
  return found;
}

/** The code for a step: for tests and tools that play the authenticator. */
export function totpCodeAt(secret: string, step: number): string {
  return generateHOTP(fromBase32(secret), BigInt(step), TOTP_DIGITS);
}
