import type { User } from "./api";

/** Who is signed in, as /users/me last said; null makes the router ask again. */
export const state: { me: User | null } = { me: null };
