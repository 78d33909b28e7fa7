import { z } from "@hono/zod-openapi";
import type { ApiKeyRow } from "../../db/schema";
import { storedScopes } from "../../domain/credentials/api-key-tokens";

/** Wire shapes of our API keys, shared by the personal-key and service-account resources. */

export const ApiKeySchema = z
  .object({
    id: z.string(),
    name: z.string(),
    prefix: z.string().openapi({ example: "eu_pk_Xo9Wq0vC" }),
    scopes: z.array(z.string()),
    created_at: z.string(),
    expires_at: z.string().nullable(),
    last_used_at: z
      .string()
      .nullable()
      .openapi({ description: "Recorded at most once every 5 minutes per key." }),
  })
  .openapi("ApiKey");

export const CreatedApiKeySchema = ApiKeySchema.extend({
  token: z.string().openapi({ description: "The secret: shown once, never again. Store it now." }),
}).openapi("CreatedApiKey");

export const ApiKeyListSchema = z.object({ data: z.array(ApiKeySchema) }).openapi("ApiKeyList");

export const KeyIdParam = z
  .string()
  .min(1)
  .max(64)
  .openapi({ param: { name: "key_id", in: "path" } });

/** The request body of a new key, for the given scope names. */
export const newApiKeyBody = <S extends readonly [string, ...string[]]>(scopes: S, name: string) =>
  z
    .strictObject({
      name: z.string().trim().min(1).max(100),
      scopes: z
        .array(z.enum(scopes))
        .min(1)
        .max(scopes.length)
        .refine((list) => new Set(list).size === list.length, "Scopes must not repeat"),
      expires_at: z.iso.datetime({ offset: true }).optional().openapi({
        description: "Optional; in the future and at most 366 days ahead. Absent: never expires.",
      }),
    })
    .openapi(name);

export function toApiKeyWire(row: ApiKeyRow): z.infer<typeof ApiKeySchema> {
  return {
    id: row.id,
    name: row.name,
    prefix: row.prefix,
    scopes: storedScopes(row.scopes),
    created_at: row.createdAt,
    expires_at: row.expiresAt,
    last_used_at: row.lastUsedAt,
  };
}
