import { createRoute } from "@hono/zod-openapi";
import { requireAdmin } from "../../http/authenticate";
import { errorResponses, jsonBody, jsonContent, sessionSecurity } from "../../http/schemas/common";
import {
  CreateGroupSchema,
  GroupDeletedSchema,
  GroupIdParams,
  GroupListSchema,
  GroupSchema,
  UpdateGroupSchema,
} from "./admin-groups.schemas";

const common = { tags: ["Administration: groups"], security: sessionSecurity, middleware: requireAdmin };
const unreadable = "A stored group policy is unreadable (`policy_unreadable`)";

export const listGroups = createRoute({
  ...common,
  operationId: "listGroups",
  method: "get",
  path: "/users/admin/groups",
  summary: "List groups with member counts",
  responses: {
    200: jsonContent(GroupListSchema, "Groups"),
    ...errorResponses({ auth: "admin", errors: { 503: unreadable } }),
  },
});

export const createGroup = createRoute({
  ...common,
  operationId: "createGroup",
  method: "post",
  path: "/users/admin/groups",
  summary: "Create a group",
  request: { body: jsonBody(CreateGroupSchema) },
  responses: {
    201: jsonContent(GroupSchema, "Created"),
    ...errorResponses({ auth: "admin", body: "json", errors: { 409: "Name taken (`group_name_taken`)" } }),
  },
});

export const updateGroup = createRoute({
  ...common,
  operationId: "updateGroup",
  method: "put",
  path: "/users/admin/groups/{gid}",
  summary: "Update a group",
  description: "The reserved group `ungrouped` cannot be renamed (its description and policy can change).",
  request: { params: GroupIdParams, body: jsonBody(UpdateGroupSchema) },
  responses: {
    200: jsonContent(GroupSchema, "Updated"),
    ...errorResponses({
      auth: "admin",
      body: "json",
      params: true,
      errors: {
        404: "No such group (`not_found`)",
        409: "Name taken (`group_name_taken`), or the reserved group (`reserved_group`)",
        503: unreadable,
      },
    }),
  },
});

export const deleteGroup = createRoute({
  ...common,
  operationId: "deleteGroup",
  method: "delete",
  path: "/users/admin/groups/{gid}",
  summary: "Delete a group",
  description: "Members move to `ungrouped` in the same batch. `ungrouped` cannot be deleted.",
  request: { params: GroupIdParams },
  responses: {
    200: jsonContent(GroupDeletedSchema, "Deleted"),
    ...errorResponses({
      auth: "admin",
      params: true,
      errors: { 404: "No such group (`not_found`)", 409: "The reserved group (`reserved_group`)" },
    }),
  },
});
