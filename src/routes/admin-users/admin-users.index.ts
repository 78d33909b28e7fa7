import { createRouter } from "../../http/create-router";
import * as h from "./admin-users.handlers";
import * as r from "./admin-users.routes";

export const adminUsersRouter = createRouter()
  .openapi(r.listUsersRoute, h.listUsersHandler)
  .openapi(r.createUser, h.createUserHandler)
  .openapi(r.getUser, h.getUserHandler)
  .openapi(r.patchUser, h.patchUserHandler)
  .openapi(r.setRole, h.setRoleHandler)
  .openapi(r.setGroup, h.setGroupHandler)
  .openapi(r.setStatus, h.setStatusHandler)
  .openapi(r.unlockUser, h.unlockUserHandler)
  .openapi(r.resetPassword, h.resetPasswordHandler)
  .openapi(r.deleteUser, h.deleteUserHandler)
  .openapi(r.listSessions, h.listSessionsHandler)
  .openapi(r.endSessions, h.endSessionsHandler)
  .openapi(r.disableUserMfa, h.disableUserMfaHandler);
