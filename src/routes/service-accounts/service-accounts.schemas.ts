import { z } from "@hono/zod-openapi";
import type { ServiceAccountRow } from "../../db/schema";
import { SERVICE_SCOPES, storedGroupIds } from "../../domain/credentials/api-key-tokens";
import { KeyIdParam, newApiKeyBody } from "../../http/schemas/api-keys";

export const ServiceAccountSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    description: z.string(),
    group_ids: z.array(z.string()).nullable().openapi({
      description: "The groups whose users it may act for; null: every user.",
    }),
    created_at: z.string(),
    created_by: z.string().nullable(),
  })
  .openapi("ServiceAccount");

export const ServiceAccountListSchema = z
  .object({ data: z.array(ServiceAccountSchema) })
  .openapi("ServiceAccountList");

export const NewServiceAccountSchema = z
  .strictObject({
    name: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{1,63}$/, "2-64 characters: letters, digits and . _ -"),
    description: z.string().max(500).default(""),
    group_ids: z.array(z.string().min(1).max(64)).min(1).max(50).optional().openapi({
      description:
        "Limit it to the users of these groups (existing group ids). Omitted: it may act for every user.",
    }),
  })
  .openapi("NewServiceAccount");

export const NewServiceKeySchema = newApiKeyBody(SERVICE_SCOPES, "NewServiceAccountKey");

const saId = z
  .string()
  .min(1)
  .max(64)
  .openapi({ param: { name: "sa_id", in: "path" } });
export const ServiceAccountParams = z.object({ sa_id: saId });
export const ServiceKeyParams = z.object({ sa_id: saId, key_id: KeyIdParam });

export function toServiceAccountWire(row: ServiceAccountRow): z.infer<typeof ServiceAccountSchema> {
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    group_ids: storedGroupIds(row.groupIds),
    created_at: row.createdAt,
    created_by: row.createdBy,
  };
}
