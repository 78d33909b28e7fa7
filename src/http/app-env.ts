import type { OpenAPIHono, RouteConfig, RouteHandler } from "@hono/zod-openapi";
import type { Database } from "../db/client";
import type { CallerSnapshot } from "../domain/access-tokens/access-token";
import type { Scope } from "../domain/credentials/api-key-tokens";
import type { KvStore } from "../platform/metered-kv";
import type { SessionRecord } from "../storage/sessions";
import type { PreferencesSnapshot, UserWithGroup } from "../storage/users";
import type { ApiKeyGrant, ServiceCaller } from "./credentials/api-key";

/** Who is calling, as `authenticate` established it (see http/authenticate.ts). */
export interface AuthContext {
  user: UserWithGroup;
  preferences: PreferencesSnapshot;
  /** Null when the caller authenticated with a personal API key rather than a session. */
  sessionId: string | null;
  session: SessionRecord | null;
  /** Set when the caller authenticated with a personal API key (http/credentials/api-key.ts). */
  apiKey?: ApiKeyGrant;
}

/**
 * Who is calling, on either path: from the user row (strict) or from a verified access token (as of
 * its issuance, at most ACCESS_TOKEN_TTL_SECONDS old). What `requireReader` routes may use.
 */
export interface Caller {
  user: CallerSnapshot;
  /** Null for a personal API key. */
  sessionId: string | null;
  via: "access-token" | "session";
}

/** Per-request values set by middleware; handlers read them with `c.get(...)` / `c.var`. */
export interface AppVariables {
  /** Ours, always generated (see request-context.ts). */
  requestId: string;
  /** What the client sent in X-Request-Id, if well-formed; for correlation only. */
  clientRequestId: string | null;
  /** Drizzle over the request's metered D1 session (replica reads for GET, see bindings.ts). */
  db: Database;
  /** The same, pinned to the primary: authentication and other authorization-critical reads. */
  primaryDb: Database;
  /** The request's metered KV binding. */
  kv: KvStore;
  /** Set by the `requireUser` / `requireAdmin` middleware (undefined on anonymous routes). */
  auth: AuthContext;
  /** Set by issueSession: the caller proved who they are in this request (see bindings.ts). */
  signedIn: boolean;
  /** The scope a personal API key needs for this route (`requireScope`); unset: API keys refused. */
  requiredScope?: Scope;
  /** Set by `requireServiceScope` on service-account routes. */
  service: ServiceCaller;
  /** Set by `requireUser`, `requireAdmin` and `requireReader` (see Caller). */
  caller: Caller;
}

export interface AppEnv {
  Bindings: Env;
  Variables: AppVariables;
}

export type AppOpenAPI = OpenAPIHono<AppEnv>;
export type AppRouteHandler<R extends RouteConfig> = RouteHandler<R, AppEnv>;
