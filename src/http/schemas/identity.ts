import { z } from "@hono/zod-openapi";
import type { IdentityRow } from "../../storage/identities";

/** A provider identity linked to a user: who vouches (issuer) for whom (subject). */
export const IdentitySchema = z
  .object({
    id: z.string(),
    issuer: z.string(),
    subject: z.string(),
    email: z.string().nullable(),
    email_verified: z.boolean(),
    created_at: z.string(),
    last_used_at: z.string().nullable(),
  })
  .openapi("Identity");

export const IdentityListSchema = z.object({ data: z.array(IdentitySchema) }).openapi("IdentityList");

export const IdentityIdParam = z
  .string()
  .min(1)
  .max(64)
  .openapi({ param: { name: "identity_id", in: "path" } });

export function toIdentityWire(row: IdentityRow): z.infer<typeof IdentitySchema> {
  return {
    id: row.id,
    issuer: row.issuer,
    subject: row.subject,
    email: row.email,
    email_verified: row.emailVerified,
    created_at: row.createdAt,
    last_used_at: row.lastUsedAt,
  };
}

export const toIdentityListWire = (rows: IdentityRow[]) => ({ data: rows.map(toIdentityWire) });
