import { loadKeyRing } from "../../domain/preferences/key-encryption";
import { reencryptChunk } from "../../domain/preferences/key-rotation";
import type { AppRouteHandler } from "../../http/app-env";
import { auditOrigin } from "../../http/request-context";
import type { reencryptKeys } from "./admin-encryption.routes";

export const reencryptKeysHandler: AppRouteHandler<typeof reencryptKeys> = async (c) => {
  const ring = await loadKeyRing(c.env.ENCRYPTION_KEY);
  const user = c.var.auth.user;
  const result = await reencryptChunk(c.var.db, ring, {
    action: "admin.keys_reencrypted",
    actorId: user.id,
    targetType: "encryption",
    targetId: null,
    ...auditOrigin(c),
  });
  return c.json(result, 200);
};
