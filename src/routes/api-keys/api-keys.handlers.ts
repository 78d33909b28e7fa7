import { notFound } from "../../core/errors";
import { createApiKey, revokeApiKey } from "../../domain/credentials/api-key-service";
import type { AppRouteHandler } from "../../http/app-env";
import { auditEntry } from "../../http/request-context";
import { toApiKeyWire } from "../../http/schemas/api-keys";
import { listApiKeys } from "../../storage/api-keys";
import { findUserById } from "../../storage/users";
import type { createMyKey, listMyKeys, listUserKeys, revokeMyKey, revokeUserKey } from "./api-keys.routes";

export const createMyKeyHandler: AppRouteHandler<typeof createMyKey> = async (c) => {
  const body = c.req.valid("json");
  const user = c.var.auth.user;
  const { row, token } = await createApiKey(c.var.db, {
    owner: { userId: user.id },
    name: body.name,
    scopes: body.scopes,
    expiresAt: body.expires_at,
    ownerEpoch: user.sessionEpoch,
    createdBy: user.id,
    audit: auditEntry(c, "user.api_key_created", {}, { name: body.name }),
  });
  c.header("Cache-Control", "no-store");
  return c.json({ ...toApiKeyWire(row), token }, 201);
};

export const listMyKeysHandler: AppRouteHandler<typeof listMyKeys> = async (c) => {
  const rows = await listApiKeys(c.var.db, { userId: c.var.auth.user.id });
  return c.json({ data: rows.map(toApiKeyWire) }, 200);
};

export const revokeMyKeyHandler: AppRouteHandler<typeof revokeMyKey> = async (c) => {
  await revokeApiKey(
    c.var.db,
    { userId: c.var.auth.user.id },
    c.req.valid("param").key_id,
    auditEntry(c, "user.api_key_revoked"),
  );
  return c.json({ ok: true as const }, 200);
};

export const listUserKeysHandler: AppRouteHandler<typeof listUserKeys> = async (c) => {
  const { uid } = c.req.valid("param");
  if (!(await findUserById(c.var.db, uid))) throw notFound("User");
  const rows = await listApiKeys(c.var.db, { userId: uid });
  return c.json({ data: rows.map(toApiKeyWire) }, 200);
};

export const revokeUserKeyHandler: AppRouteHandler<typeof revokeUserKey> = async (c) => {
  const { uid, key_id } = c.req.valid("param");
  await revokeApiKey(
    c.var.db,
    { userId: uid },
    key_id,
    auditEntry(c, "admin.api_key_revoked", { targetId: uid }),
  );
  return c.json({ ok: true as const }, 200);
};
