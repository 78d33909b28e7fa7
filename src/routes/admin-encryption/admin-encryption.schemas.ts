import { z } from "@hono/zod-openapi";

export const ReencryptResultSchema = z
  .object({ reencrypted: z.number().int(), remaining: z.number().int(), current_key_id: z.string() })
  .openapi("ReencryptResult");
