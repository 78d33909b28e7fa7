import { AppError } from "./errors";
import { parseOriginList } from "./origins";

/**
 * Deployment configuration read from bindings. Every setting has a documented default (README,
 * "Configuration"); a malformed value is a configuration error (503), never a silent fallback.
 */
export interface ServiceConfig {
  sessionTtlSeconds: number;
  loginMaxFailures: number;
  loginLockBaseSeconds: number;
  loginLockMaxSeconds: number;
  /** Normalised by core/origins.ts: the allow-list of CSRF, CORS and frontend redirects. */
  frontendOrigins: string[];
  frontendDefaultUri: string;
  /** Outbound provider calls may reach loopback and private addresses (development only). */
  allowPrivateProviderUrls: boolean;
  providerTimeoutMs: number;
}

function positiveInt(env: Env, name: keyof Env, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === "") return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value <= 0) {
    throw new AppError("misconfigured", `Configuration ${String(name)} must be a positive integer`);
  }
  return value;
}

export function readConfig(env: Env): ServiceConfig {
  return {
    // KV requires expirationTtl >= 60.
    sessionTtlSeconds: Math.max(60, positiveInt(env, "SESSION_TTL_SECONDS", 86_400)),
    loginMaxFailures: positiveInt(env, "LOGIN_MAX_FAILURES", 5),
    loginLockBaseSeconds: positiveInt(env, "LOGIN_LOCK_BASE_SECONDS", 60),
    loginLockMaxSeconds: positiveInt(env, "LOGIN_LOCK_MAX_SECONDS", 3600),
    frontendOrigins: parseOriginList(env.FRONTEND_ORIGINS, "FRONTEND_ORIGINS"),
    frontendDefaultUri: env.FRONTEND_DEFAULT_URI ?? "",
    allowPrivateProviderUrls: env.ALLOW_PRIVATE_PROVIDER_URLS === "true",
    providerTimeoutMs: positiveInt(env, "PROVIDER_TIMEOUT_MS", 8000),
  };
}
