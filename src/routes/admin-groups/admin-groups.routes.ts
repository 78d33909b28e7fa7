import { createRoute, z } from "@hono/zod-openapi";
import { GroupPolicySchema } from "../../domain/preferences/group-policy";
import { requireAdmin } from "../../middleware/auth";
import {
  adminErrorResponses,
  errorResponse,
  jsonBody,
  jsonContent,
  sessionSecurity,
} from "../../schemas/common";

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

const NAME_PATTERN = /^[\p{L}\p{N}][\p{L}\p{N} ._-]*$/u;
const nameField = z
  .string()
  .trim()
  .min(1)
  .max(64)
  .regex(NAME_PATTERN, "Letters, digits, spaces and . _ -")
  // The generator would document the pattern with its flags appended ("…$/u"), which matches nothing.
  .openapi({ pattern: NAME_PATTERN.source });

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

const common = { tags: ["Administration: groups"], security: sessionSecurity, middleware: requireAdmin };
const errors = adminErrorResponses;

export const listGroups = createRoute({
  ...common,
  method: "get",
  path: "/users/admin/groups",
  summary: "List groups with member counts",
  responses: { 200: jsonContent(z.object({ data: z.array(GroupSchema) }), "Groups"), ...errors },
});

export const createGroup = createRoute({
  ...common,
  method: "post",
  path: "/users/admin/groups",
  summary: "Create a group",
  request: { body: jsonBody(CreateGroupSchema) },
  responses: { 201: jsonContent(GroupSchema, "Created"), ...errors, 409: errorResponse("Name taken") },
});

export const updateGroup = createRoute({
  ...common,
  method: "put",
  path: "/users/admin/groups/{gid}",
  summary: "Update a group",
  description: "The reserved group `ungrouped` cannot be renamed (its description and policy can change).",
  request: { params: GroupIdParams, body: jsonBody(UpdateGroupSchema) },
  responses: {
    200: jsonContent(GroupSchema, "Updated"),
    ...errors,
    404: errorResponse("No such group"),
    409: errorResponse("Name taken, or the reserved group"),
  },
});

export const deleteGroup = createRoute({
  ...common,
  method: "delete",
  path: "/users/admin/groups/{gid}",
  summary: "Delete a group",
  description: "Members move to `ungrouped` in the same batch. `ungrouped` cannot be deleted.",
  request: { params: GroupIdParams },
  responses: {
    200: jsonContent(z.object({ deleted: z.literal(true), members_moved: z.number().int() }), "Deleted"),
    ...errors,
    404: errorResponse("No such group"),
    409: errorResponse("The reserved group"),
  },
});
