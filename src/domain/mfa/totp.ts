import { TimeSpan } from "oslo";
import { base32 } from "oslo/encoding";
import { createTOTPKeyURI, generateHOTP } from "oslo/otp";
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
export const totpContext = (userId: string) => `totp:${userId}`;

export interface NewTotpSecret {
  keyId: string;
  ciphertext: string;
  /** base32 (RFC 4648, no padding): what a person types when they cannot scan the QR code. */
  secret: string;
  uri: string;
  qrSvg: string;
}

export async function newTotpSecret(
  ring: KeyRing,
  userId: string,
  accountName: string,
): Promise<NewTotpSecret> {
  const key = crypto.getRandomValues(new Uint8Array(SECRET_BYTES));
  const secret = base32.encode(key, { includePadding: false });
  const { keyId, ciphertext } = await encryptSecret(ring, secret, totpContext(userId));
  const uri = createTOTPKeyURI(ISSUER, accountName, key, {
    digits: TOTP_DIGITS,
    period: new TimeSpan(TOTP_PERIOD_SECONDS, "s"),
  });
  return { keyId, ciphertext, secret, uri, qrSvg: renderSVG(uri) };
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
  const secret = await decryptSecret(ring, stored.keyId, stored.ciphertext, totpContext(stored.userId));
  const key = base32.decode(secret, { strict: false });
  const step = currentStep(now);
  let found: number | null = null;
  for (const candidate of [step - 1, step, step + 1]) {
    // Every candidate is computed and compared, so timing does not tell which one matched.
    if (equalCodes(await generateHOTP(key, candidate, TOTP_DIGITS), code)) found = candidate;
  }
  return found;
}

/** The code for a step: for tests and tools that play the authenticator. */
export function totpCodeAt(secret: string, step: number): Promise<string> {
  return generateHOTP(base32.decode(secret, { strict: false }), step, TOTP_DIGITS);
}
