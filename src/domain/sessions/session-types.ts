import type { UserWithGroup } from "../../storage/users";

/** What KV holds under `session:<sha256(token)>` (docs/storage-schema.md). */
export interface SessionRecord {
  userId: string;
  /** The user's session_epoch when issued; a later bump in D1 ends this session everywhere. */
  epoch: number;
  createdAt: string;
  expiresAt: string;
  method: "local" | "oidc";
  ip: string | null;
  userAgent: string | null;
}

/** The signed-in user's preferences as loaded with the auth read (see authUserQuery). */
export interface PreferencesSnapshot {
  overrides: string | null;
  version: number;
  /** JSON array of {section, provider, last4}. */
  apiKeys: string;
}

export interface AuthContext {
  user: UserWithGroup;
  preferences: PreferencesSnapshot;
  sessionId: string;
  session: SessionRecord;
}
