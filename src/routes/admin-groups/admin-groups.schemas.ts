import { z } from "@hono/zod-openapi";
import type { GroupRow } from "../../db/schema";
import { GroupPolicySchema, parseStoredPolicy } from "../../domain/preferences/group-policy";

export const GroupSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    description: z.string(),
    policy: GroupPolicySchema,
    member_count: z.number().int(),
    created_at: z.string(),
    updated_at: z.string(),
  })
  .openapi("Group");

export const GroupListSchema = z.object({ data: z.array(GroupSchema) });

export const GroupDeletedSchema = z.object({ deleted: z.literal(true), members_moved: z.number().int() });

/** The server's rule: a letter or digit of any script first, then letters, digits, spaces and . _ - */
export const GROUP_NAME_PATTERN = /^[\p{L}\p{N}][\p{L}\p{N} ._-]*$/u;

/**
 * The published `pattern`: ECMA-262 without flags (JSON Schema validators compile it without `u`,
 * where `\p{…}` does not exist). Exact for ASCII; any non-ASCII character passes it, and the
 * server then also requires it to be a letter or digit (GROUP_NAME_PATTERN, 422 otherwise).
 */
export const GROUP_NAME_PUBLISHED_PATTERN = "^[A-Za-z0-9\\u0080-\\uFFFF][A-Za-z0-9 ._\\u0080-\\uFFFF-]*$";

const nameField = z
  .string()
  .trim()
  .min(1)
  .max(64)
  .regex(GROUP_NAME_PATTERN, "Letters, digits, spaces and . _ -")
  .openapi({
    pattern: GROUP_NAME_PUBLISHED_PATTERN,
    description:
      "Starts with a letter or digit (any script); then letters, digits, spaces and `. _ -`. " +
      "Non-ASCII characters must be Unicode letters (L) or digits (N).",
  });

export const CreateGroupSchema = z
  .strictObject({
    name: nameField,
    description: z.string().max(500).default(""),
    policy: GroupPolicySchema.default({}),
  })
  .openapi("CreateGroup");

export const UpdateGroupSchema = z
  .strictObject({
    name: nameField.optional(),
    description: z.string().max(500).optional(),
    policy: GroupPolicySchema.optional(),
  })
  .openapi("UpdateGroup");

export const GroupIdParams = z.object({
  gid: z
    .string()
    .min(1)
    .max(64)
    .openapi({ param: { name: "gid", in: "path" } }),
});

/** A group row on the wire; throws 503 `policy_unreadable` when the stored policy is unreadable. */
export function toGroupWire(group: GroupRow, memberCount: number): z.infer<typeof GroupSchema> {
  return {
    id: group.id,
    name: group.name,
    description: group.description,
    policy: parseStoredPolicy(group.policy),
    member_count: memberCount,
    created_at: group.createdAt,
    updated_at: group.updatedAt,
  };
}
