import { sha256Hex } from "../../core/crypto";

/**
 * Recovery codes: 10 per user, each 10 characters of the RFC 4648 base32 alphabet (no 0, 1, 8,
 * 9; 50 bits), shown as `xxxxx-xxxxx`. High entropy, so a plain SHA-256 is enough to store them
 * (no slow hash needed, as there is nothing to guess offline); each works once.
 */
export const RECOVERY_CODE_COUNT = 10;
const ALPHABET = "abcdefghijklmnopqrstuvwxyz234567";

export function generateRecoveryCodes(): string[] {
  return Array.from({ length: RECOVERY_CODE_COUNT }, () => {
    const bytes = crypto.getRandomValues(new Uint8Array(10));
    const chars = Array.from(bytes, (b) => ALPHABET[b & 31]).join("");
    return `${chars.slice(0, 5)}-${chars.slice(5)}`;
  });
}

/** What a person types, made canonical: case, spaces and the dash do not matter. */
export function normalizeRecoveryCode(code: string): string | null {
  const compact = code.toLowerCase().replace(/[\s-]/g, "");
  if (!/^[a-z2-7]{10}$/.test(compact)) return null;
  return `${compact.slice(0, 5)}-${compact.slice(5)}`;
}

export const hashRecoveryCode = (normalized: string) => sha256Hex(`recovery:${normalized}`);
