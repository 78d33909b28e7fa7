import { z } from "@hono/zod-openapi";
import { SECOND_FACTOR_METHODS } from "../../domain/mfa/second-factor";
import { passwordInput } from "../../http/schemas/common";
import { PasskeyAssertionSchema } from "../../http/schemas/webauthn";

const totpCode = z
  .string()
  .trim()
  .regex(/^\d{6}$/, "Six digits")
  .openapi({ example: "123456" });
const recoveryCode = z.string().trim().min(1).max(32).openapi({ example: "abcde-fghij" });

export const MfaStatusSchema = z
  .object({
    mfa_enabled: z.boolean(),
    /** Whether the deployment or the group policy requires a second factor of this user. */
    mfa_required: z.boolean(),
    totp: z.object({
      enabled: z.boolean(),
      pending: z.boolean().openapi({ description: "Enrolment started, not yet confirmed" }),
    }),
    recovery_codes: z.object({ remaining: z.number().int(), total: z.number().int() }),
    passkeys: z.number().int(),
    methods: z.array(z.enum(SECOND_FACTOR_METHODS)),
  })
  .openapi("MfaStatus");

export const TotpEnrolmentSchema = z
  .object({
    secret: z.string().openapi({ description: "base32; shown once" }),
    otpauth_uri: z.string(),
    qr_svg: z.string().openapi({ description: "The otpauth URI as a QR code (SVG document)" }),
    period: z.number().int(),
    digits: z.number().int(),
  })
  .openapi("TotpEnrolment");

export const TotpConfirmSchema = z.strictObject({ code: totpCode }).openapi("TotpConfirm");

export const RecoveryCodesSchema = z
  .object({ recovery_codes: z.array(z.string()).openapi({ description: "Shown once; each works once" }) })
  .openapi("RecoveryCodes");

/** Exactly one of `code` (TOTP), `recovery_code` and `passkey`. */
const oneProof = <T extends { code?: string; recovery_code?: string; passkey?: unknown }>(
  value: T,
  ctx: z.RefinementCtx,
) => {
  const sent = [value.code, value.recovery_code, value.passkey].filter((v) => v !== undefined);
  if (sent.length !== 1) {
    ctx.addIssue({
      code: "custom",
      path: ["code"],
      message: "Send exactly one of code, recovery_code and passkey",
    });
  }
};

export const MfaLoginSchema = z
  .strictObject({
    challenge: z.string().min(1).max(128),
    code: totpCode.optional(),
    recovery_code: recoveryCode.optional(),
    passkey: PasskeyAssertionSchema.optional().openapi({
      description: "An assertion for a challenge from POST /users/login/passkey/options",
    }),
  })
  .superRefine(oneProof)
  .openapi("MfaLogin");

/** A passkey is a proof by itself: sent with anything else, the request is refused. */
const passkeyAlone = <
  T extends { passkey?: unknown; password?: string; code?: string; recovery_code?: string },
>(
  value: T,
  ctx: z.RefinementCtx,
) => {
  const others = [value.password, value.code, value.recovery_code].filter((v) => v !== undefined);
  if (value.passkey !== undefined && others.length > 0) {
    ctx.addIssue({
      code: "custom",
      path: ["passkey"],
      message: "A passkey is a proof by itself: send it without password, code or recovery_code",
    });
  }
};

export const ReauthenticateSchema = z
  .strictObject({
    password: passwordInput.optional(),
    code: totpCode.optional(),
    recovery_code: recoveryCode.optional(),
    passkey: PasskeyAssertionSchema.optional().openapi({
      description:
        "An assertion for a challenge from POST /users/me/reauthenticate/passkey/options, sent alone",
    }),
  })
  .superRefine(passkeyAlone)
  .openapi("Reauthenticate");

export const ReauthenticatedSchema = z
  .object({ auth_time: z.string(), amr: z.array(z.string()) })
  .openapi("Reauthenticated");
