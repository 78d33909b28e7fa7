import { Buffer } from "node:buffer";
import { encodeHex } from "oslo/encoding";

/** Lower-case hex SHA-256 of a UTF-8 string: how secrets and personal values become storage keys. */
export async function sha256Hex(value: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(value));
  return encodeHex(new Uint8Array(digest));
}

/** A random base64url token of `bytes` bytes (32 → 256 bits, 43 characters). */
export function randomToken(bytes = 32): string {
  return Buffer.from(crypto.getRandomValues(new Uint8Array(bytes))).toString("base64url");
}
