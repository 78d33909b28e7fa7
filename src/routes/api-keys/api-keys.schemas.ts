import { z } from "@hono/zod-openapi";
import { USER_SCOPES } from "../../domain/credentials/api-key-tokens";
import { KeyIdParam, newApiKeyBody } from "../../http/schemas/api-keys";

export const NewPersonalKeySchema = newApiKeyBody(USER_SCOPES, "NewPersonalApiKey");

export const MyKeyParams = z.object({ key_id: KeyIdParam });

const uid = z
  .string()
  .min(1)
  .max(64)
  .openapi({ param: { name: "uid", in: "path" } });

export const UserKeysParams = z.object({ uid });
export const UserKeyParams = z.object({ uid, key_id: KeyIdParam });
