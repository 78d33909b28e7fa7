import { z } from "@hono/zod-openapi";
import { SECOND_FACTOR_METHODS } from "../../domain/mfa/second-factor";
import { passwordInput } from "../../http/schemas/common";

export const LocalLoginRequestSchema = z
  .strictObject({
    username: z.string().trim().min(1).max(150),
    password: passwordInput,
  })
  .openapi("LocalLoginRequest");

export const PasswordUpdateRequestSchema = z
  .strictObject({
    current_password: passwordInput,
    new_password: passwordInput,
  })
  .openapi("PasswordUpdateRequest");

/** The answer of a correct password when a second factor is still needed (no session yet). */
export const MfaRequiredSchema = z
  .object({
    mfa_required: z.literal(true),
    methods: z.array(z.enum(SECOND_FACTOR_METHODS)),
    challenge: z.string().openapi({ description: "Send to POST /users/login/mfa; single-use" }),
    expires_in: z.number().int().openapi({ description: "Seconds the challenge stays valid" }),
  })
  .openapi("MfaRequired");
