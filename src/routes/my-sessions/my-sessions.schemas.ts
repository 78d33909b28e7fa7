import { z } from "@hono/zod-openapi";
import type { SessionSummary } from "../../storage/sessions";

export const MySessionSchema = z
  .object({
    id: z.string().openapi({ description: "The session's id (a hash of its secret; never the token)" }),
    current: z.boolean().openapi({ description: "True for the session making this request" }),
    created_at: z.string().nullable(),
    expires_at: z.string().nullable(),
    method: z.string().nullable().openapi({ description: "How it signed in: `local` or `oidc`" }),
    ip: z.string().nullable().openapi({ description: "The client address at sign-in" }),
    user_agent: z.string().nullable().openapi({ description: "The browser or client at sign-in" }),
  })
  .openapi("MySession");

export const MySessionListSchema = z.object({ data: z.array(MySessionSchema) }).openapi("MySessionList");

export const SessionIdParams = z.object({
  session_id: z
    .string()
    .regex(/^[0-9a-f]{64}$/, "A session id as listed by GET /users/me/sessions")
    .openapi({ param: { name: "session_id", in: "path" } }),
});

export const EndedMySessionsSchema = z.object({ ended: z.number().int() }).openapi("EndedMySessions");

/** Newest first; the current session is marked. */
export function toMySessionsWire(sessions: SessionSummary[], currentId: string) {
  const data = sessions.map((s) => ({
    id: s.id,
    current: s.id === currentId,
    created_at: s.createdAt,
    expires_at: s.expiresAt,
    method: s.method,
    ip: s.ip,
    user_agent: s.userAgent,
  }));
  return data.sort((a, b) => (b.created_at ?? "").localeCompare(a.created_at ?? ""));
}
