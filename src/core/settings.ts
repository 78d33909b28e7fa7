import { AppError } from "./errors";

/**
 * Deployment configuration read from bindings. Every setting has a documented default (README,
 * "Configuration"); a malformed value is a configuration error (503), never a silent fallback.
 */
export interface ServiceConfig {
  sessionTtlSeconds: number;
  loginMaxFailures: number;
  loginLockBaseSeconds: number;
  loginLockMaxSeconds: number;
  frontendOrigins: string[];
  frontendDefaultUri: string;
  /** Outbound provider calls may reach loopback and private addresses (development only). */
  allowPrivateProviderUrls: boolean;
  providerTimeoutMs: number;
  /** Sensitive actions need an authentication at most this many seconds old (step-up). */
  stepUpMaxAgeSeconds: number;
  /** Administrators must have a second factor (until they enrol they can only enrol). */
  mfaRequiredForAdmins: boolean;
  /**
   * Provider `amr` values (and `acr` values) that count as a second factor at an OIDC sign-in;
   * empty: a user with our second factor is always asked for it.
   */
  oidcMfaAmr: string[];
  oidcMfaAcr: string[];
  /** WebAuthn relying-party id and allowed origins; null / empty: derived from the request (development). */
  webauthnRpId: string | null;
  webauthnOrigins: string[];
  /** ENVIRONMENT is "production": nothing security-relevant is derived from the request. */
  production: boolean;
}

function list(raw: string | undefined): string[] {
  return (raw ?? "")
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
}

function flag(env: Env, name: keyof Env): boolean {
  const raw = env[name];
  if (raw === undefined || raw === "" || raw === "false") return false;
  if (raw === "true") return true;
  throw new AppError("misconfigured", `Configuration ${String(name)} must be true or false`);
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
    frontendOrigins: list(env.FRONTEND_ORIGINS),
    frontendDefaultUri: env.FRONTEND_DEFAULT_URI ?? "",
    allowPrivateProviderUrls: env.ALLOW_PRIVATE_PROVIDER_URLS === "true",
    providerTimeoutMs: positiveInt(env, "PROVIDER_TIMEOUT_MS", 8000),
    stepUpMaxAgeSeconds: positiveInt(env, "STEP_UP_MAX_AGE_SECONDS", 300),
    mfaRequiredForAdmins: flag(env, "MFA_REQUIRED_FOR_ADMINS"),
    oidcMfaAmr: list(env.OIDC_MFA_AMR),
    oidcMfaAcr: list(env.OIDC_MFA_ACR),
    webauthnRpId: env.WEBAUTHN_RP_ID?.trim() || null,
    webauthnOrigins: list(env.WEBAUTHN_ORIGINS),
    production: env.ENVIRONMENT === "production",
  };
}
