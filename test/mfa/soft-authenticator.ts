import { Buffer } from "node:buffer";

/**
 * A software WebAuthn authenticator (ES256, `none` attestation) for Workers-pool tests: it builds
 * exactly the bytes a browser hands to the page, so the server's verification is exercised for
 * real. The browser test (test/e2e) does the same with Chromium's virtual authenticator.
 */
const b64url = (bytes: Uint8Array) => Buffer.from(bytes).toString("base64url");
const concat = (...parts: Uint8Array[]): Uint8Array<ArrayBuffer> => new Uint8Array(Buffer.concat(parts));
const sha256 = async (bytes: Uint8Array) =>
  new Uint8Array(await crypto.subtle.digest("SHA-256", concat(bytes)));

function cborBytes(bytes: Uint8Array): Uint8Array {
  const n = bytes.length;
  const head = n < 24 ? [0x40 + n] : n < 256 ? [0x58, n] : [0x59, n >> 8, n & 255];
  return concat(new Uint8Array(head), bytes);
}
const cborText = (text: string) =>
  concat(new Uint8Array([0x60 + text.length]), new TextEncoder().encode(text));

/** Raw r‖s (Web Crypto) → DER, as authenticators send ECDSA signatures. */
function rawToDer(raw: Uint8Array): Uint8Array {
  const integer = (value: Uint8Array) => {
    let v = value;
    while (v.length > 1 && v[0] === 0 && ((v[1] ?? 0) & 0x80) === 0) v = v.subarray(1);
    if ((v[0] ?? 0) & 0x80) v = concat(new Uint8Array([0]), v);
    return concat(new Uint8Array([0x02, v.length]), v);
  };
  const body = concat(integer(raw.subarray(0, 32)), integer(raw.subarray(32)));
  return concat(new Uint8Array([0x30, body.length]), body);
}

export interface SoftAuthenticatorOptions {
  origin?: string;
  rpId?: string;
  backupEligible?: boolean;
}

export async function createSoftAuthenticator(options: SoftAuthenticatorOptions = {}) {
  const origin = options.origin ?? "http://localhost:8787";
  const rpId = options.rpId ?? "localhost";
  const pair = await crypto.subtle.generateKey({ name: "ECDSA", namedCurve: "P-256" }, true, [
    "sign",
    "verify",
  ]);
  if (!("privateKey" in pair)) throw new Error("no key pair");
  const jwk = await crypto.subtle.exportKey("jwk", pair.publicKey);
  if (jwk instanceof ArrayBuffer) throw new Error("expected a JWK");
  const credentialId = crypto.getRandomValues(new Uint8Array(16));
  const flagsBase = 0x01 | 0x04 | (options.backupEligible ? 0x08 | 0x10 : 0);
  let counter = 0;
  let userHandle: string | null = null;

  const authData = async (flags: number, count: number, attested?: Uint8Array) => {
    const counterBytes = new Uint8Array(4);
    new DataView(counterBytes.buffer).setUint32(0, count);
    const parts: Uint8Array[] = [
      await sha256(new TextEncoder().encode(rpId)),
      new Uint8Array([flags]),
      counterBytes,
    ];
    if (attested) parts.push(attested);
    return concat(...parts);
  };
  const clientData = (type: string, challenge: string, at = origin) =>
    new TextEncoder().encode(JSON.stringify({ type, challenge, origin: at, crossOrigin: false }));

  return {
    credentialId: b64url(credentialId),
    /** The credential `navigator.credentials.create` would give for these creation options. */
    async register(
      creation: { challenge: string; user: { id: string } },
      overrides: { origin?: string } = {},
    ) {
      userHandle = creation.user.id;
      const x = Buffer.from(jwk.x ?? "", "base64url");
      const y = Buffer.from(jwk.y ?? "", "base64url");
      const coseKey = concat(
        new Uint8Array([0xa5, 0x01, 0x02, 0x03, 0x26, 0x20, 0x01, 0x21]),
        cborBytes(x),
        new Uint8Array([0x22]),
        cborBytes(y),
      );
      const idLength = new Uint8Array([credentialId.length >> 8, credentialId.length & 255]);
      const attested = concat(new Uint8Array(16), idLength, credentialId, coseKey);
      const data = await authData(flagsBase | 0x40, counter, attested);
      const attestationObject = concat(
        new Uint8Array([0xa3]),
        cborText("fmt"),
        cborText("none"),
        cborText("attStmt"),
        new Uint8Array([0xa0]),
        cborText("authData"),
        cborBytes(data),
      );
      return {
        id: b64url(credentialId),
        type: "public-key" as const,
        response: {
          clientDataJSON: b64url(clientData("webauthn.create", creation.challenge, overrides.origin)),
          attestationObject: b64url(attestationObject),
        },
      };
    },
    /** An assertion for `navigator.credentials.get`; `counter` overrides the next counter value. */
    async assert(challenge: string, overrides: { counter?: number; origin?: string } = {}) {
      counter = overrides.counter ?? counter + 1;
      const data = await authData(flagsBase, counter);
      const clientDataJSON = clientData("webauthn.get", challenge, overrides.origin);
      const message = concat(data, await sha256(clientDataJSON));
      const raw = new Uint8Array(
        await crypto.subtle.sign({ name: "ECDSA", hash: "SHA-256" }, pair.privateKey, message),
      );
      return {
        id: b64url(credentialId),
        type: "public-key" as const,
        response: {
          clientDataJSON: b64url(clientDataJSON),
          authenticatorData: b64url(data),
          signature: b64url(rawToDer(raw)),
          userHandle,
        },
      };
    },
  };
}
