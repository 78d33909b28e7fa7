import type { User } from "./api";

/**
 * Who is signed in, as /users/me last said; null makes the router ask again. `mfaSetupNeeded`:
 * whether a policy requires a second factor this user has not enrolled (null: not asked yet).
 * `mfaChallenge`: an OIDC sign-in that came back needing the second factor (`?mfa_challenge=`).
 */
export const state: { me: User | null; mfaSetupNeeded: boolean | null; mfaChallenge: string | null } = {
  me: null,
  mfaSetupNeeded: null,
  mfaChallenge: null,
};
