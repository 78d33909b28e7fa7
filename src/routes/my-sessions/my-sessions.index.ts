import { createRouter } from "../../http/create-router";
import {
  endMyOtherSessionsHandler,
  endMySessionHandler,
  listMySessionsHandler,
} from "./my-sessions.handlers";
import { endMyOtherSessions, endMySession, listMySessions } from "./my-sessions.routes";

export const mySessionsRouter = createRouter()
  .openapi(listMySessions, listMySessionsHandler)
  .openapi(endMyOtherSessions, endMyOtherSessionsHandler)
  .openapi(endMySession, endMySessionHandler);
