import type { Context } from "hono";
import { AppError } from "../core/errors";
import { readConfig } from "../core/settings";
import { defaultAmr } from "../storage/sessions";
import type { AppEnv } from "./app-env";
import { callerSession } from "./authenticate";

/** How recent a proof sensitive account changes (linking a provider identity) need: 5 minutes. */
export const RECENT_AUTHENTICATION_SECONDS = 300;

/**
 * Fresh proof: a session token alone does not authorise changes that would outlive it (linking a
 * provider identity; later, second-factor step-up). The signed-in user (`c.var.auth`) must have
 * proved who they are within `maxAgeSeconds` (signed in with the password or at the provider,
 * changed the password, or passed a second factor), and, when `methods` is given, by one of them.
 * Otherwise 401 `reauthentication_required`: sign in again, then retry.
 */
export function requireRecentAuthentication(
  c: Context<AppEnv>,
  maxAgeSeconds: number,
  methods?: readonly string[],
): void {
  const { session } = callerSession(c);
  const at = Date.parse(session.authTime ?? session.createdAt);
  const fresh = Number.isFinite(at) && Date.now() - at <= maxAgeSeconds * 1000;
  const amr = session.amr ?? defaultAmr(session.method);
  const byMethod = !methods || amr.some((m) => methods.includes(m));
  if (!fresh || !byMethod) {
    throw new AppError(
      "reauthentication_required",
      `Sign in again first: this needs a proof of who you are within the last ${maxAgeSeconds} seconds`,
    );
  }
}

/**
 * Step-up for sensitive actions (password change, factors, roles, export, re-encryption): a proof
 * within STEP_UP_MAX_AGE_SECONDS; the frontend re-authenticates (POST /users/me/reauthenticate).
 */
export const requireStepUp = (c: Context<AppEnv>) =>
  requireRecentAuthentication(c, readConfig(c.env).stepUpMaxAgeSeconds);
