import { createRoute } from "@hono/zod-openapi";
import { REENCRYPT_CHUNK } from "../../domain/sealed-secrets";
import { requireAdmin } from "../../http/authenticate";
import { errorResponses, jsonContent, STEP_UP_REQUIRED, sessionSecurity } from "../../http/schemas/common";
import { ReencryptResultSchema } from "./admin-encryption.schemas";

export const reencryptKeys = createRoute({
  operationId: "reencryptApiKeys",
  method: "post",
  path: "/users/admin/encryption/reencrypt",
  tags: ["Administration: encryption"],
  summary: "Re-encrypt stored secrets under the current ENCRYPTION_KEY",
  description:
    `Step 3 of a key rotation (docs/preferences.md): re-encrypts up to ${REENCRYPT_CHUNK} secrets per call ` +
    "that are still under an older key: every kind sealed with ENCRYPTION_KEY (provider API keys, TOTP " +
    "secrets; `kinds` shows each). Repeat until `remaining` is 0, then remove the old key from " +
    "ENCRYPTION_KEY. Needs a recent authentication.",
  security: sessionSecurity,
  middleware: requireAdmin,
  responses: {
    200: jsonContent(ReencryptResultSchema, "Progress"),
    ...errorResponses({
      auth: "admin",
      errors: {
        401: STEP_UP_REQUIRED,
        503: "ENCRYPTION_KEY missing or lacking a key the rows need (`encryption_not_configured`)",
      },
    }),
  },
});
