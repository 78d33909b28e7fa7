import { AppError, invalid } from "../../core/errors";
import type { ServiceConfig } from "../../core/settings";
import type { Database } from "../../db/client";
import { type AuditEntry, auditIfChangedStatement, auditStatement } from "../../storage/audit";
import { type UserWithGroup, userStatements } from "../../storage/users";
import { verifyPasswordWithLockout } from "../local-login";
import { newPasswordColumns } from "./new-password";

export interface PasswordChange {
  user: UserWithGroup;
  currentPassword: string;
  newPassword: string;
  /** Who and where, for the audit entries (the action is set here). */
  audit: Omit<AuditEntry, "action">;
}

/**
 * The signed-in user changes their own password. The current password is checked under the
 * account lockout (wrong guesses count like failed sign-ins); the write applies only while the
 * verified hash is still in place, so two concurrent changes cannot both succeed. Bumps the
 * session epoch: every session ends (the caller re-stamps its own).
 */
export async function changePassword(db: Database, config: ServiceConfig, change: PasswordChange) {
  const { user } = change;
  if (!user.passwordHash) {
    throw new AppError("no_local_password", "This account signs in through OIDC and has no local password");
  }
  await verifyPasswordWithLockout(db, config, {
    user: { ...user, passwordHash: user.passwordHash },
    password: change.currentPassword,
    audit: (action, details) => auditStatement(db, { ...change.audit, action, details }),
    wrong: new AppError("wrong_password", "The current password is wrong"),
  });
  if (change.newPassword === change.currentPassword) {
    throw invalid(
      ["body", "new_password"],
      "The new password must differ from the current one",
      "password_policy",
    );
  }
  const columns = await newPasswordColumns({
    password: change.newPassword,
    username: user.username,
    loc: ["body", "new_password"],
    mustChangePassword: false,
  });
  const [replaced] = await db.batch([
    userStatements.replacePassword(db, user.id, user.passwordHash, columns),
    auditIfChangedStatement(db, { ...change.audit, action: "user.password_changed" }),
  ]);
  if (replaced.length === 0) {
    throw new AppError("password_changed", "The password was changed by another request meanwhile");
  }
}
