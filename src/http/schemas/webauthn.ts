import { z } from "@hono/zod-openapi";

const b64url = (max: number) =>
  z
    .string()
    .min(1)
    .max(max)
    .regex(/^[A-Za-z0-9_-]+$/, "base64url");

/** What `PublicKeyCredential.toJSON()` gives after `navigator.credentials.get`. */
export const PasskeyAssertionSchema = z
  .object({
    id: b64url(1024),
    type: z.literal("public-key").optional(),
    response: z
      .object({
        clientDataJSON: b64url(4096),
        authenticatorData: b64url(4096),
        signature: b64url(1024),
        userHandle: b64url(256).nullable().optional(),
      })
      .passthrough(),
  })
  .passthrough()
  .openapi("PasskeyAssertion");

/** What `PublicKeyCredential.toJSON()` gives after `navigator.credentials.create`. */
export const PasskeyAttestationSchema = z
  .object({
    id: b64url(1024),
    type: z.literal("public-key").optional(),
    response: z.object({ clientDataJSON: b64url(4096), attestationObject: b64url(16384) }).passthrough(),
  })
  .passthrough()
  .openapi("PasskeyAttestation");

/**
 * PublicKeyCredentialRequestOptionsJSON: for a discoverable sign-in (`allowCredentials` empty) and for
 * re-authentication (the signed-in user's credentials).
 */
export const RequestOptionsSchema = z
  .object({
    challenge: z.string(),
    rpId: z.string(),
    timeout: z.number().int(),
    userVerification: z.literal("required"),
    allowCredentials: z.array(z.object({ type: z.literal("public-key"), id: z.string() })),
  })
  .openapi("PasskeyRequestOptions");
