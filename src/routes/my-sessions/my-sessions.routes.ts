import { createRoute } from "@hono/zod-openapi";
import { requireUser } from "../../http/authenticate";
import { errorResponses, jsonContent, sessionSecurity } from "../../http/schemas/common";
import { EndedMySessionsSchema, MySessionListSchema, SessionIdParams } from "./my-sessions.schemas";

const common = { tags: ["Current user"], security: sessionSecurity, middleware: requireUser };
const path = "/users/me/sessions";

export const listMySessions = createRoute({
  ...common,
  operationId: "listMySessions",
  method: "get",
  path,
  summary: "List my sessions",
  description:
    "The signed-in user's sessions, newest first, with how and from where each signed in; `current` marks the " +
    "one making this request. KV listing is eventually consistent: a session started seconds ago in another " +
    "location may be missing.",
  responses: {
    200: jsonContent(MySessionListSchema, "Sessions"),
    ...errorResponses({ auth: "user" }),
  },
});

export const endMySession = createRoute({
  ...common,
  operationId: "endMySession",
  method: "delete",
  path: `${path}/{session_id}`,
  summary: "End one of my sessions",
  description:
    "Ends the session with this id (only the caller's own). Ending the current one signs this client out and " +
    "clears the session cookie.",
  request: { params: SessionIdParams },
  responses: {
    200: jsonContent(EndedMySessionsSchema, "Session ended"),
    ...errorResponses({ auth: "user", params: true, errors: { 404: "No such session (`not_found`)" } }),
  },
});

export const endMyOtherSessions = createRoute({
  ...common,
  operationId: "endMyOtherSessions",
  method: "delete",
  path,
  summary: "End all my other sessions",
  description:
    "Ends every session of the signed-in user except the current one, at once in every location (the user's " +
    "session epoch in D1 moves on; this session is re-stamped).",
  responses: {
    200: jsonContent(EndedMySessionsSchema, "Sessions ended"),
    ...errorResponses({ auth: "user" }),
  },
});
