import { keyRingFor } from "../../domain/preferences/key-encryption";
import { reencryptChunk } from "../../domain/sealed-secrets";
import type { AppRouteHandler } from "../../http/app-env";
import { requireStepUp } from "../../http/recent-authentication";
import { auditEntry } from "../../http/request-context";
import type { reencryptKeys } from "./admin-encryption.routes";

export const reencryptKeysHandler: AppRouteHandler<typeof reencryptKeys> = async (c) => {
  requireStepUp(c);
  const ring = await keyRingFor(c.env);
  const audit = auditEntry(c, "admin.keys_reencrypted", { targetType: "encryption", targetId: null });
  return c.json(await reencryptChunk(c.var.db, ring, audit), 200);
};
