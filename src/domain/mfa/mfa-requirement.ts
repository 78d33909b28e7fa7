import type { ServiceConfig } from "../../core/settings";
import type { UserWithGroup } from "../../storage/users";
import { parseStoredPolicy } from "../preferences/group-policy";

/**
 * Whether this user must have a second factor: an administrator when MFA_REQUIRED_FOR_ADMINS is
 * set, or any member of a group whose policy says `require_mfa`. A stored policy that does not
 * parse fails closed (503), as everywhere else.
 */
export function mustHaveSecondFactor(user: UserWithGroup, config: ServiceConfig): boolean {
  if (user.role === "admin" && config.mfaRequiredForAdmins) return true;
  return parseStoredPolicy(user.group.policy).require_mfa === true;
}

/** A user who must have a second factor and has none: the authentication gate only lets them enrol. */
export const mustEnrollSecondFactor = (user: UserWithGroup, config: ServiceConfig) =>
  !user.mfaEnabled && mustHaveSecondFactor(user, config);
