import { z } from "@hono/zod-openapi";
import { displayTextField } from "../../http/schemas/profile-fields";
import { PasskeyAssertionSchema, PasskeyAttestationSchema } from "../../http/schemas/webauthn";
import type { PasskeyRow } from "../../storage/passkeys";

export const PasskeyIdParams = z.object({
  passkey_id: z
    .string()
    .min(1)
    .max(64)
    .openapi({ param: { name: "passkey_id", in: "path" } }),
});

export const PasskeySchema = z
  .object({
    id: z.string(),
    name: z.string(),
    created_at: z.string(),
    last_used_at: z.string().nullable(),
    backup_eligible: z.boolean(),
    backed_up: z.boolean(),
  })
  .openapi("Passkey");

export const PasskeyListSchema = z.object({ data: z.array(PasskeySchema) }).openapi("PasskeyList");

export function toPasskeyWire(row: PasskeyRow): z.infer<typeof PasskeySchema> {
  return {
    id: row.id,
    name: row.name,
    created_at: row.createdAt,
    last_used_at: row.lastUsedAt,
    backup_eligible: row.backupEligible,
    backed_up: row.backedUp,
  };
}

/** PublicKeyCredentialCreationOptionsJSON (WebAuthn Level 3; `PublicKeyCredential.parseCreationOptionsFromJSON`). */
export const CreationOptionsSchema = z
  .object({
    challenge: z.string(),
    rp: z.object({ id: z.string(), name: z.string() }),
    user: z.object({ id: z.string(), name: z.string(), displayName: z.string() }),
    pubKeyCredParams: z.array(z.object({ type: z.literal("public-key"), alg: z.number().int() })),
    timeout: z.number().int(),
    attestation: z.literal("none"),
    authenticatorSelection: z.object({
      residentKey: z.literal("required"),
      requireResidentKey: z.literal(true),
      userVerification: z.literal("required"),
    }),
    excludeCredentials: z.array(z.object({ type: z.literal("public-key"), id: z.string() })),
  })
  .openapi("PasskeyCreationOptions");

/** A passkey's name, at registration and when renamed: the same rules for both. */
const passkeyName = displayTextField(64).openapi({ example: "Laptop" });

export const RegisterPasskeySchema = z
  .strictObject({
    name: passkeyName.default("Passkey"),
    credential: PasskeyAttestationSchema,
  })
  .openapi("RegisterPasskey");

export const RenamePasskeySchema = z.strictObject({ name: passkeyName }).openapi("RenamePasskey");

export const PasskeyLoginSchema = z
  .strictObject({ credential: PasskeyAssertionSchema })
  .openapi("PasskeyLogin");
