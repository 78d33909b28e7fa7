import { createRouter } from "../../http/create-router";
import {
  createGroupHandler,
  deleteGroupHandler,
  listGroupsHandler,
  updateGroupHandler,
} from "./admin-groups.handlers";
import { createGroup, deleteGroup, listGroups, updateGroup } from "./admin-groups.routes";

export const adminGroupsRouter = createRouter()
  .openapi(listGroups, listGroupsHandler)
  .openapi(createGroup, createGroupHandler)
  .openapi(updateGroup, updateGroupHandler)
  .openapi(deleteGroup, deleteGroupHandler);
