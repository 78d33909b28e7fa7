import type { Database } from "../db/client";
import { UNGROUPED_GROUP_ID } from "../db/schema";
import { hasActiveAdmin, insertUserIfUsernameFree, type PasswordColumns } from "../storage/users";
import { newPasswordColumns } from "./passwords/new-password";

/**
 * Creates the first administrator from BOOTSTRAP_ADMIN_USERNAME / BOOTSTRAP_ADMIN_PASSWORD when
 * no active administrator exists. Runs once per isolate and database (a WeakMap keyed by the
 * binding), so steady-state requests pay nothing. Two isolates racing both try the insert; the
 * case-insensitive unique index on username lets exactly one win and the other do nothing.
 */
const done = new WeakMap<D1Database, Promise<void>>();

export function ensureBootstrapAdmin(env: Env, db: Database): Promise<void> {
  const existing = done.get(env.DB);
  if (existing) return existing;
  const attempt = createBootstrapAdminIfMissing(env, db).catch((error: unknown) => {
    done.delete(env.DB); // try again on the next request rather than never
    throw error;
  });
  done.set(env.DB, attempt);
  return attempt;
}

export async function createBootstrapAdminIfMissing(env: Env, db: Database): Promise<void> {
  const username = env.BOOTSTRAP_ADMIN_USERNAME?.trim();
  const password = env.BOOTSTRAP_ADMIN_PASSWORD;
  if (!username || !password) return;
  if (await hasActiveAdmin(db)) return;
  let columns: PasswordColumns;
  try {
    columns = await newPasswordColumns({ password, username, loc: ["env"], mustChangePassword: false });
  } catch (error) {
    // A weak bootstrap password is refused rather than installed; logged without the value.
    console.error(
      `Bootstrap administrator not created: ${error instanceof Error ? error.message : "invalid"}`,
    );
    return;
  }
  await insertUserIfUsernameFree(db, {
    id: crypto.randomUUID(),
    username,
    role: "admin",
    groupId: UNGROUPED_GROUP_ID,
    identitySource: "LOCAL",
    ...columns,
  });
}
