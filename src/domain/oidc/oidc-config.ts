import { AppError } from "../../core/errors";
import { LOOPBACK_HOSTS } from "../../core/hosts";

export interface OidcConfig {
  issuer: URL;
  clientId: string;
  clientSecret: string;
  scopes: string;
  /** Explicit redirect URI, or null to derive it from the request's origin. */
  redirectUri: string | null;
  /** oauth4webapi refuses plain http unless told; we allow it only for a loopback issuer. */
  allowInsecure: boolean;
}

/** 503 `oidc_not_configured` until OIDC_ISSUER, OIDC_CLIENT_ID and OIDC_CLIENT_SECRET are set. */
export function readOidcConfig(env: Env): OidcConfig {
  const issuer = env.OIDC_ISSUER?.trim();
  const clientId = env.OIDC_CLIENT_ID?.trim();
  const clientSecret = env.OIDC_CLIENT_SECRET?.trim();
  if (!issuer || !clientId || !clientSecret) {
    throw new AppError(
      "oidc_not_configured",
      "OIDC sign-in is not configured on this deployment (OIDC_ISSUER, OIDC_CLIENT_ID, OIDC_CLIENT_SECRET); use local sign-in",
    );
  }
  let url: URL;
  try {
    url = new URL(issuer);
  } catch {
    throw new AppError("oidc_not_configured", "OIDC_ISSUER is not a URL");
  }
  return {
    issuer: url,
    clientId,
    clientSecret,
    scopes: env.OIDC_SCOPES?.trim() || "openid email profile",
    redirectUri: env.OIDC_REDIRECT_URI?.trim() || null,
    allowInsecure: url.protocol === "http:" && LOOPBACK_HOSTS.has(url.hostname),
  };
}
