import { notFound } from "../../core/errors";
import { readConfig } from "../../core/settings";
import type { AppRouteHandler } from "../../http/app-env";
import { callerSession } from "../../http/authenticate";
import { auditEntry } from "../../http/request-context";
import { clearSessionCookie } from "../../http/session-cookie";
import { auditStatement } from "../../storage/audit";
import {
  deleteSession,
  deleteUserSessions,
  listUserSessions,
  readSession,
  restampSession,
} from "../../storage/sessions";
import { userStatements } from "../../storage/users";
import type { endMyOtherSessions, endMySession, listMySessions } from "./my-sessions.routes";
import { toMySessionsWire } from "./my-sessions.schemas";

export const listMySessionsHandler: AppRouteHandler<typeof listMySessions> = async (c) => {
  const { user } = c.var.auth;
  const { sessionId } = callerSession(c);
  const sessions = await listUserSessions(c.var.kv, user.id);
  return c.json({ data: toMySessionsWire(sessions, sessionId) }, 200);
};

export const endMySessionHandler: AppRouteHandler<typeof endMySession> = async (c) => {
  const { user } = c.var.auth;
  const { sessionId } = callerSession(c);
  const { session_id: id } = c.req.valid("param");
  // The key is under the caller's own user id, so no one can end another user's session here.
  if (!(await readSession(c.var.kv, { userId: user.id, id }))) throw notFound("Session");
  await deleteSession(c.var.kv, user.id, id);
  await auditStatement(c.var.db, auditEntry(c, "user.session_ended", {}, { current: id === sessionId }));
  if (id === sessionId) clearSessionCookie(c);
  return c.json({ ended: 1 }, 200);
};

export const endMyOtherSessionsHandler: AppRouteHandler<typeof endMyOtherSessions> = async (c) => {
  const { user } = c.var.auth;
  const { sessionId, session } = callerSession(c);
  const db = c.var.db;
  const [bumped] = await db.batch([
    userStatements.bumpSessionEpoch(db, user.id),
    auditStatement(db, auditEntry(c, "user.other_sessions_ended")),
  ]);
  // The epoch bump ended every session in D1's eyes; keep this one by re-stamping it.
  const epoch = bumped[0]?.sessionEpoch ?? user.sessionEpoch + 1;
  await restampSession(c.var.kv, sessionId, session, epoch, readConfig(c.env).sessionIdleSeconds);
  const ended = await deleteUserSessions(c.var.kv, user.id, sessionId);
  return c.json({ ended }, 200);
};
