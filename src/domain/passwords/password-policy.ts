/**
 * The password policy (README, "Password policy"): NIST SP 800-63B style: length over
 * composition rules. At least 12 and at most 128 characters (code points, so at most 512 UTF-8
 * bytes reach the hash), and not the username. NFKC normalisation happens in the hash.
 */
export const PASSWORD_MIN_LENGTH = 12;
export const PASSWORD_MAX_LENGTH = 128;

/** Returns a message saying what is wrong, or null when the password is acceptable. */
export function passwordPolicyViolation(password: string, username: string): string | null {
  const length = [...password].length;
  if (length < PASSWORD_MIN_LENGTH) return `Password must be at least ${PASSWORD_MIN_LENGTH} characters long`;
  if (length > PASSWORD_MAX_LENGTH) return `Password must be at most ${PASSWORD_MAX_LENGTH} characters long`;
  if (password.trim().toLowerCase() === username.trim().toLowerCase()) {
    return "Password must not be the same as the username";
  }
  return null;
}
