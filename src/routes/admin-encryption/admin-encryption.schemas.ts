import { z } from "@hono/zod-openapi";

const KindProgressSchema = z.object({
  reencrypted: z.number().int().openapi({ description: "Re-encrypted by this call" }),
  remaining: z.number().int().openapi({ description: "Still under an older key" }),
});

export const ReencryptResultSchema = z
  .object({
    reencrypted: z.number().int().openapi({ description: "Secrets of every kind re-encrypted by this call" }),
    remaining: z
      .number()
      .int()
      .openapi({ description: "Secrets of every kind still under an older key: call again until 0" }),
    current_key_id: z.string(),
    kinds: z
      .object({ provider_keys: KindProgressSchema, totp_secrets: KindProgressSchema })
      .openapi({ description: "The same counts per kind of sealed secret" }),
  })
  .openapi("ReencryptResult");
