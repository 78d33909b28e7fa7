// Passkeys in the browser: the API speaks base64url JSON, navigator.credentials speaks ArrayBuffers.
import type { Schema } from "../../client/index";

/** base64url (padding optional: atob's forgiving decoder accepts it without) → bytes. */
const toBytes = (value: string) =>
  Uint8Array.from(atob(value.replace(/-/g, "+").replace(/_/g, "/")), (ch) => ch.charCodeAt(0));

const toBase64url = (buffer: ArrayBuffer) =>
  btoa(String.fromCharCode(...new Uint8Array(buffer)))
    .replace(/\+/g, "-")
    .replace(/\//g, "_")
    .replace(/=+$/, "");

const credentialList = (list: { type: "public-key"; id: string }[]) =>
  list.map((c) => ({ type: c.type, id: toBytes(c.id) }));

export const passkeysSupported = () => typeof PublicKeyCredential !== "undefined";

/** Creates a passkey with the options POST /users/me/passkeys/options returned. */
export async function createPasskey(
  options: Schema<"PasskeyCreationOptions">,
): Promise<Schema<"PasskeyAttestation">> {
  const credential = await navigator.credentials.create({
    publicKey: {
      challenge: toBytes(options.challenge),
      rp: options.rp,
      user: { ...options.user, id: toBytes(options.user.id) },
      pubKeyCredParams: options.pubKeyCredParams,
      timeout: options.timeout,
      attestation: options.attestation,
      authenticatorSelection: options.authenticatorSelection,
      excludeCredentials: credentialList(options.excludeCredentials),
    },
  });
  if (
    !(credential instanceof PublicKeyCredential) ||
    !(credential.response instanceof AuthenticatorAttestationResponse)
  ) {
    throw new Error("The browser returned no passkey");
  }
  return {
    id: credential.id,
    type: "public-key",
    response: {
      clientDataJSON: toBase64url(credential.response.clientDataJSON),
      attestationObject: toBase64url(credential.response.attestationObject),
    },
  };
}

/**
 * Signs a challenge with a passkey of the user's choice: a sign-in's (POST /users/login/passkey/options)
 * or a step-up's (POST /users/me/reauthenticate/passkey/options, limited to the user's passkeys).
 */
export async function usePasskey(
  options: Schema<"PasskeyRequestOptions">,
): Promise<Schema<"PasskeyAssertion">> {
  const credential = await navigator.credentials.get({
    publicKey: {
      challenge: toBytes(options.challenge),
      rpId: options.rpId,
      timeout: options.timeout,
      userVerification: options.userVerification,
      allowCredentials: credentialList(options.allowCredentials),
    },
  });
  if (
    !(credential instanceof PublicKeyCredential) ||
    !(credential.response instanceof AuthenticatorAssertionResponse)
  ) {
    throw new Error("The browser returned no passkey");
  }
  const response = credential.response;
  return {
    id: credential.id,
    type: "public-key",
    response: {
      clientDataJSON: toBase64url(response.clientDataJSON),
      authenticatorData: toBase64url(response.authenticatorData),
      signature: toBase64url(response.signature),
      userHandle: response.userHandle ? toBase64url(response.userHandle) : null,
    },
  };
}

/** A readable reason a passkey ceremony failed (the user cancelled, no authenticator, …). */
export const passkeyFailure = (error: unknown) =>
  error instanceof DOMException && error.name === "NotAllowedError"
    ? "The passkey request was cancelled or timed out"
    : error instanceof Error
      ? error.message
      : "The passkey request failed";
