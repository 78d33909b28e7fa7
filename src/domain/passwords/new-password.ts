import { invalid } from "../../core/errors";
import { nowIso } from "../../core/time";
import type { PasswordColumns } from "../../storage/users";
import { hashPassword } from "./password-hash";
import { passwordPolicyViolation } from "./password-policy";

/**
 * The longest string any password field accepts on the wire (every endpoint uses this one cap);
 * the policy then decides, with a clear 422, whether a new password is acceptable.
 */
export const PASSWORD_INPUT_MAX_LENGTH = 1024;

export interface NewPassword {
  password: string;
  username: string;
  /** Where a policy violation is reported, e.g. ["body", "new_password"]. */
  loc: (string | number)[];
  mustChangePassword: boolean;
}

/**
 * The one way a password is set (password change, administrator create and reset, bootstrap):
 * the policy, then the hash, then the columns with their timestamp. A violation is a 422 at `loc`.
 */
export async function newPasswordColumns(input: NewPassword): Promise<PasswordColumns> {
  const violation = passwordPolicyViolation(input.password, input.username);
  if (violation) throw invalid(input.loc, violation, "password_policy");
  return {
    passwordHash: await hashPassword(input.password),
    passwordChangedAt: nowIso(),
    mustChangePassword: input.mustChangePassword,
  };
}
