import { AppError } from "./errors";
import { parseOriginList } from "./origins";

/**
 * Deployment configuration read from bindings. Every setting has a documented default (README,
 * "Configuration"); a malformed value is a configuration error (503), never a silent fallback.
 */
export interface ServiceConfig {
  /** Absolute session lifetime: activity never extends a session past it. */
  sessionTtlSeconds: number;
  /** A session unused this long ends (docs/access-tokens.md, "Renewal"); at most the absolute lifetime. */
  sessionIdleSeconds: number;
  /** "access-token": reads that allow it are served from a signed access token; "strict": D1 always. */
  authMode: "access-token" | "strict";
  /** Lifetime of access tokens (and the access cookie): the bound on stale reads in access-token mode. */
  accessTokenTtlSeconds: number;
  /** `iss` (and `aud`) of access tokens; null: the request origin + /api/v1. */
  accessTokenIssuer: string | null;
  loginMaxFailures: number;
  loginLockBaseSeconds: number;
  loginLockMaxSeconds: number;
  /** Normalised by core/origins.ts: the allow-list of CSRF, CORS and frontend redirects. */
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

function boundedInt(env: Env, name: keyof Env, fallback: number, min: number, max: number): number {
  const value = positiveInt(env, name, fallback);
  if (value < min || value > max) {
    throw new AppError("misconfigured", `Configuration ${String(name)} must be between ${min} and ${max}`);
  }
  return value;
}

function authMode(env: Env): ServiceConfig["authMode"] {
  const raw = env.AUTH_MODE ?? "";
  if (raw === "" || raw === "access-token") return "access-token";
  if (raw === "strict") return "strict";
  throw new AppError("misconfigured", 'Configuration AUTH_MODE must be "access-token" or "strict"');
}

function accessTokenIssuer(env: Env): string | null {
  const raw = env.ACCESS_TOKEN_ISSUER ?? "";
  if (raw === "") return null;
  if (!URL.canParse(raw) || !/^https?:$/.test(new URL(raw).protocol)) {
    throw new AppError("misconfigured", "Configuration ACCESS_TOKEN_ISSUER must be an http(s) URL");
  }
  return raw.replace(/\/+$/, "");
}

export function readConfig(env: Env): ServiceConfig {
  // KV requires expirationTtl >= 60.
  const sessionTtlSeconds = Math.max(60, positiveInt(env, "SESSION_TTL_SECONDS", 86_400));
  return {
    sessionTtlSeconds,
    sessionIdleSeconds: Math.min(
      sessionTtlSeconds,
      boundedInt(env, "SESSION_IDLE_SECONDS", 28_800, 300, 31_536_000),
    ),
    authMode: authMode(env),
    accessTokenTtlSeconds: boundedInt(env, "ACCESS_TOKEN_TTL_SECONDS", 60, 10, 900),
    accessTokenIssuer: accessTokenIssuer(env),
    loginMaxFailures: positiveInt(env, "LOGIN_MAX_FAILURES", 5),
    loginLockBaseSeconds: positiveInt(env, "LOGIN_LOCK_BASE_SECONDS", 60),
    loginLockMaxSeconds: positiveInt(env, "LOGIN_LOCK_MAX_SECONDS", 3600),
    frontendOrigins: parseOriginList(env.FRONTEND_ORIGINS, "FRONTEND_ORIGINS"),
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
