import { Buffer } from "node:buffer";
import { decodeCBORToNativeValueNoLeftoverBytes } from "@oslojs/cbor";
import {
  ClientDataType,
  COSEKeyType,
  coseAlgorithmES256,
  coseAlgorithmRS256,
  coseEllipticCurveP256,
  createAssertionSignatureMessage,
  parseAttestationObject,
  parseAuthenticatorData,
  parseClientDataJSON,
} from "@oslojs/webauthn";
import { AppError } from "../../core/errors";

/**
 * Passkeys (WebAuthn Level 3) verified with @oslojs/webauthn (parsing) and Web Crypto (signatures):
 * ES256 and RS256. Attestation is not verified (`attestation: "none"`): we trust the user's choice
 * of authenticator, not its make. User verification is required, so a passkey alone is two
 * factors (possession and PIN/biometric).
 */
export const PASSKEY_ALGORITHMS = [coseAlgorithmES256, coseAlgorithmRS256];

/**
 * What a passkey proof gives a session (RFC 8176): possession of a hardware-bound key, a verified
 * user (PIN or biometric), hence two factors. The same for a passkey sign-in and a re-authentication.
 */
export const PASSKEY_AMR = ["hwk", "user", "mfa"];

export interface RelyingParty {
  id: string;
  origins: string[];
}

const refused = (why: string) => new AppError("invalid_passkey", `Passkey refused: ${why}`);
const b64url = (bytes: Uint8Array) => Buffer.from(bytes).toString("base64url");
export const fromB64url = (text: string) => new Uint8Array(Buffer.from(text, "base64url"));

/** Flags byte of authenticator data (offset 32): BE (0x08) and BS (0x10) are not parsed by oslo. */
function backupFlags(authenticatorData: Uint8Array) {
  const flags = authenticatorData[32] ?? 0;
  return { backupEligible: (flags & 0x08) !== 0, backedUp: (flags & 0x10) !== 0 };
}

function bigintBytes(value: bigint, length?: number): string {
  let hex = value.toString(16);
  if (hex.length % 2) hex = `0${hex}`;
  if (length) hex = hex.padStart(length * 2, "0");
  return Buffer.from(hex, "hex").toString("base64url");
}

function checkClientData(encoded: Uint8Array, type: ClientDataType, challenge: string, rp: RelyingParty) {
  let clientData: ReturnType<typeof parseClientDataJSON>;
  try {
    clientData = parseClientDataJSON(encoded);
  } catch {
    throw refused("malformed clientDataJSON");
  }
  if (clientData.type !== type) throw refused("wrong ceremony type");
  if (b64url(clientData.challenge) !== challenge) throw refused("wrong challenge");
  if (!rp.origins.includes(clientData.origin)) throw refused("wrong origin");
  if (clientData.crossOrigin === true) throw refused("cross-origin use");
}

export interface RegisteredPasskey {
  credentialId: string;
  publicKey: string;
  algorithm: number;
  signCount: number;
  backupEligible: boolean;
  backedUp: boolean;
}

function authDataOf(attestationObject: Uint8Array): Uint8Array {
  const native = decodeCBORToNativeValueNoLeftoverBytes(attestationObject, 4);
  const authData: unknown =
    native instanceof Map
      ? native.get("authData")
      : typeof native === "object" && native !== null
        ? Reflect.get(native, "authData")
        : null;
  if (!(authData instanceof Uint8Array)) throw refused("no authenticator data");
  return authData;
}

/** Verifies a registration (navigator.credentials.create) against the challenge we issued. */
export function verifyRegistration(
  response: { clientDataJSON: string; attestationObject: string },
  challenge: string,
  rp: RelyingParty,
): RegisteredPasskey {
  checkClientData(fromB64url(response.clientDataJSON), ClientDataType.Create, challenge, rp);
  const raw = fromB64url(response.attestationObject);
  let parsed: ReturnType<typeof parseAttestationObject>;
  let rawAuthData: Uint8Array;
  try {
    parsed = parseAttestationObject(raw);
    rawAuthData = authDataOf(raw);
  } catch (error) {
    if (error instanceof AppError) throw error;
    throw refused("malformed attestation object");
  }
  const data = parsed.authenticatorData;
  if (!data.verifyRelyingPartyIdHash(rp.id)) throw refused("wrong relying party");
  if (!data.userPresent || !data.userVerified) throw refused("user not verified");
  const credential = data.credential;
  if (!credential) throw refused("no credential");
  const key = credential.publicKey;
  const algorithm = key.algorithm();
  let jwk: JsonWebKey;
  if (algorithm === coseAlgorithmES256 && key.type() === COSEKeyType.EC2) {
    const ec = key.ec2();
    if (ec.curve !== coseEllipticCurveP256) throw refused("unsupported curve");
    jwk = { kty: "EC", crv: "P-256", x: bigintBytes(ec.x, 32), y: bigintBytes(ec.y, 32) };
  } else if (algorithm === coseAlgorithmRS256 && key.type() === COSEKeyType.RSA) {
    const rsa = key.rsa();
    jwk = { kty: "RSA", n: bigintBytes(rsa.n), e: bigintBytes(rsa.e) };
  } else {
    throw refused("unsupported algorithm");
  }
  return {
    credentialId: b64url(credential.id),
    publicKey: JSON.stringify(jwk),
    algorithm,
    signCount: data.signatureCounter,
    ...backupFlags(rawAuthData),
  };
}

/** DER ECDSA signature → the raw r‖s form Web Crypto verifies. */
function derToRaw(der: Uint8Array): Uint8Array {
  const out = new Uint8Array(64);
  let offset = 2;
  if (der[0] !== 0x30) throw refused("malformed signature");
  if ((der[1] ?? 0) & 0x80) offset += (der[1] ?? 0) & 0x7f;
  for (const target of [0, 32]) {
    if (der[offset] !== 0x02) throw refused("malformed signature");
    const length = der[offset + 1] ?? 0;
    let value = der.subarray(offset + 2, offset + 2 + length);
    while (value.length > 32 && value[0] === 0) value = value.subarray(1);
    if (value.length > 32) throw refused("malformed signature");
    out.set(value, target + 32 - value.length);
    offset += 2 + length;
  }
  return out;
}

export interface StoredPasskey {
  publicKey: string;
  algorithm: number;
  signCount: number;
  backupEligible: boolean;
}

export type AssertionResult =
  | { ok: true; signCount: number; backedUp: boolean }
  | { ok: false; reason: "counter_regressed" | "bad_signature" | "backup_eligibility_changed" };

/** Verifies an assertion (navigator.credentials.get) by a stored passkey, the counter included. */
export async function verifyAssertion(
  response: { clientDataJSON: string; authenticatorData: string; signature: string },
  stored: StoredPasskey,
  challenge: string,
  rp: RelyingParty,
): Promise<AssertionResult> {
  const clientDataJSON = fromB64url(response.clientDataJSON);
  checkClientData(clientDataJSON, ClientDataType.Get, challenge, rp);
  const authenticatorData = fromB64url(response.authenticatorData);
  let data: ReturnType<typeof parseAuthenticatorData>;
  try {
    data = parseAuthenticatorData(authenticatorData);
  } catch {
    throw refused("malformed authenticator data");
  }
  if (!data.verifyRelyingPartyIdHash(rp.id)) throw refused("wrong relying party");
  if (!data.userPresent || !data.userVerified) throw refused("user not verified");
  const message = createAssertionSignatureMessage(authenticatorData, clientDataJSON);
  const signature = fromB64url(response.signature);
  const jwk: JsonWebKey = JSON.parse(stored.publicKey);
  const valid =
    stored.algorithm === coseAlgorithmES256
      ? await crypto.subtle.verify(
          { name: "ECDSA", hash: "SHA-256" },
          await crypto.subtle.importKey("jwk", jwk, { name: "ECDSA", namedCurve: "P-256" }, false, [
            "verify",
          ]),
          derToRaw(signature),
          message,
        )
      : await crypto.subtle.verify(
          "RSASSA-PKCS1-v1_5",
          await crypto.subtle.importKey("jwk", jwk, { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" }, false, [
            "verify",
          ]),
          signature,
          message,
        );
  if (!valid) return { ok: false, reason: "bad_signature" };
  const flags = backupFlags(authenticatorData);
  if (flags.backupEligible !== stored.backupEligible)
    return { ok: false, reason: "backup_eligibility_changed" };
  // WebAuthn §6.1.1: when either counter is non-zero, the new one must be greater, else the
  // authenticator may be cloned. Synced passkeys send 0 every time: nothing to compare.
  if ((data.signatureCounter !== 0 || stored.signCount !== 0) && data.signatureCounter <= stored.signCount) {
    return { ok: false, reason: "counter_regressed" };
  }
  return { ok: true, signCount: data.signatureCounter, backedUp: flags.backedUp };
}

/** The relying party: configured, or (development only) derived from the request's origin. */
export function relyingParty(
  config: { webauthnRpId: string | null; webauthnOrigins: string[]; production: boolean },
  requestUrl: string,
): RelyingParty {
  if (config.webauthnRpId && config.webauthnOrigins.length > 0) {
    return { id: config.webauthnRpId, origins: config.webauthnOrigins };
  }
  if (config.production) {
    throw new AppError("misconfigured", "WEBAUTHN_RP_ID and WEBAUTHN_ORIGINS must be set in production");
  }
  const url = new URL(requestUrl);
  return {
    id: config.webauthnRpId ?? url.hostname,
    origins: config.webauthnOrigins.length ? config.webauthnOrigins : [url.origin],
  };
}
