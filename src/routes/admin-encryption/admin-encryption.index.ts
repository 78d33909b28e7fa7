import { createRoute, z } from "@hono/zod-openapi";
import { loadKeyRing } from "../../domain/preferences/key-encryption";
import { REENCRYPT_CHUNK, reencryptChunk } from "../../domain/preferences/key-rotation";
import { requireAdmin } from "../../http/authenticate";
import { createRouter } from "../../http/create-router";
import { auditEntry } from "../../http/request-context";
import { adminErrorResponses, errorResponse, jsonContent, sessionSecurity } from "../../http/schemas/common";

const ReencryptResultSchema = z
  .object({ reencrypted: z.number().int(), remaining: z.number().int(), current_key_id: z.string() })
  .openapi("ReencryptResult");

export const reencryptKeys = createRoute({
  method: "post",
  path: "/users/admin/encryption/reencrypt",
  tags: ["Administration: encryption"],
  summary: "Re-encrypt stored API keys under the current ENCRYPTION_KEY",
  description:
    `Step 3 of a key rotation (docs/preferences.md): re-encrypts up to ${REENCRYPT_CHUNK} keys per call that ` +
    "are still under an older key. Repeat until `remaining` is 0, then remove the old key from ENCRYPTION_KEY.",
  security: sessionSecurity,
  middleware: requireAdmin,
  responses: {
    200: jsonContent(ReencryptResultSchema, "Progress"),
    ...adminErrorResponses,
    503: errorResponse("ENCRYPTION_KEY missing or lacking a key the rows need"),
  },
});

export const adminEncryptionRouter = createRouter().openapi(reencryptKeys, async (c) => {
  const ring = await loadKeyRing(c.env.ENCRYPTION_KEY);
  const result = await reencryptChunk(
    c.var.db,
    ring,
    auditEntry(c, "admin.keys_reencrypted", { targetType: "encryption", targetId: null }),
  );
  return c.json(result, 200);
});
