import { createRemoteJWKSet, type JWTPayload, jwtVerify } from "jose";
import * as oauth from "oauth4webapi";
import { AppError } from "../../core/errors";
import type { OidcConfig } from "./oidc-config";

/**
 * The protocol steps, on oauth4webapi (an OpenID-certified relying party): discovery,
 * authorization URL with PKCE S256, authorization-response validation (state, RFC 9207 `iss`,
 * provider errors), the code exchange with client_secret_basic and the ID-token claim checks
 * (iss, aud, azp, exp, iat, nonce). oauth4webapi trusts TLS for the token response's signature,
 * so the ID token's signature is also verified with jose against the provider's JWKS (asymmetric
 * algorithms only, never `none`; an unknown `kid` triggers one JWKS refetch, so rotation works).
 */
const DISCOVERY_TTL_MS = 10 * 60 * 1000;
const ID_TOKEN_ALGORITHMS = [
  "RS256",
  "RS384",
  "RS512",
  "PS256",
  "PS384",
  "PS512",
  "ES256",
  "ES384",
  "ES512",
  "EdDSA",
];

const discovered = new Map<string, { as: oauth.AuthorizationServer; expires: number }>();
const keySets = new Map<string, ReturnType<typeof createRemoteJWKSet>>();

const unavailable = () => new AppError("oidc_unavailable", "The identity provider could not be reached");

function httpOptions(config: OidcConfig) {
  return { [oauth.allowInsecureRequests]: config.allowInsecure, signal: AbortSignal.timeout(8000) };
}

/** Discovery metadata, cached per isolate for 10 minutes. */
export async function discover(config: OidcConfig): Promise<oauth.AuthorizationServer> {
  const cached = discovered.get(config.issuer.href);
  if (cached && cached.expires > Date.now()) return cached.as;
  try {
    const response = await oauth.discoveryRequest(config.issuer, {
      ...httpOptions(config),
      algorithm: "oidc",
    });
    const as = await oauth.processDiscoveryResponse(config.issuer, response);
    discovered.set(config.issuer.href, { as, expires: Date.now() + DISCOVERY_TTL_MS });
    return as;
  } catch {
    throw unavailable();
  }
}

export const clientOf = (config: OidcConfig): oauth.Client => ({ client_id: config.clientId });

/** The PKCE S256 challenge of a verifier (RFC 7636): how a frontend's login code is bound to it. */
export const codeChallengeOf = (verifier: string): Promise<string> =>
  oauth.calculatePKCECodeChallenge(verifier);

export interface AuthorizationRequest {
  url: string;
  state: string;
  nonce: string;
  codeVerifier: string;
}

/**
 * `reauthenticateWithin`: ask the provider to authenticate the user again now (`prompt=login`)
 * and to say when it did (`max_age`, so the ID token carries `auth_time`); used when linking.
 */
export async function buildAuthorizationRequest(
  config: OidcConfig,
  as: oauth.AuthorizationServer,
  redirectUri: string,
  reauthenticateWithin?: number,
): Promise<AuthorizationRequest> {
  if (!as.authorization_endpoint) throw unavailable();
  const codeVerifier = oauth.generateRandomCodeVerifier();
  const state = oauth.generateRandomState();
  const nonce = oauth.generateRandomNonce();
  const url = new URL(as.authorization_endpoint);
  url.searchParams.set("client_id", config.clientId);
  url.searchParams.set("redirect_uri", redirectUri);
  url.searchParams.set("response_type", "code");
  url.searchParams.set("scope", config.scopes);
  url.searchParams.set("state", state);
  url.searchParams.set("nonce", nonce);
  url.searchParams.set("code_challenge", await oauth.calculatePKCECodeChallenge(codeVerifier));
  url.searchParams.set("code_challenge_method", "S256");
  if (reauthenticateWithin !== undefined) {
    url.searchParams.set("prompt", "login");
    url.searchParams.set("max_age", String(reauthenticateWithin));
  }
  return { url: url.toString(), state, nonce, codeVerifier };
}

/** Why a callback failed, as a fixed code for the frontend (never the provider's text). */
export type CallbackError =
  | "access_denied"
  | "provider_error"
  | "invalid_response"
  | "account_disabled"
  | "identity_in_use"
  | "reauthentication_required";

export class OidcCallbackError extends Error {
  constructor(readonly code: CallbackError) {
    super(code);
    this.name = "OidcCallbackError";
  }
}

export interface VerifiedIdentity {
  subject: string;
  claims: JWTPayload & Record<string, unknown>;
}

export async function completeCallback(
  config: OidcConfig,
  as: oauth.AuthorizationServer,
  callbackParams: URLSearchParams,
  expected: {
    state: string;
    nonce: string;
    codeVerifier: string;
    redirectUri: string;
    /** The provider must have authenticated the user within this many seconds (`auth_time`). */
    maxAge?: number;
  },
): Promise<VerifiedIdentity> {
  const client = clientOf(config);
  let params: URLSearchParams;
  try {
    params = oauth.validateAuthResponse(as, client, callbackParams, expected.state);
  } catch (error) {
    if (error instanceof oauth.AuthorizationResponseError) {
      throw new OidcCallbackError(error.error === "access_denied" ? "access_denied" : "provider_error");
    }
    throw new OidcCallbackError("invalid_response");
  }
  let tokens: oauth.TokenEndpointResponse;
  try {
    const response = await oauth.authorizationCodeGrantRequest(
      as,
      client,
      oauth.ClientSecretBasic(config.clientSecret),
      params,
      expected.redirectUri,
      expected.codeVerifier,
      httpOptions(config),
    );
    tokens = await oauth.processAuthorizationCodeResponse(as, client, response, {
      expectedNonce: expected.nonce,
      requireIdToken: true,
    });
  } catch {
    throw new OidcCallbackError("invalid_response");
  }
  const claims = oauth.getValidatedIdTokenClaims(tokens);
  if (!claims || !tokens.id_token) throw new OidcCallbackError("invalid_response");
  await verifySignature(config, as, tokens.id_token);
  if (expected.maxAge !== undefined && !authenticatedWithin(claims.auth_time, expected.maxAge)) {
    throw new OidcCallbackError("reauthentication_required");
  }
  const profile =
    claims.email || claims.name ? {} : await userInfoClaims(config, as, tokens.access_token, claims.sub);
  return { subject: claims.sub, claims: { ...profile, ...claims } };
}

/**
 * Many providers put profile claims only in the UserInfo response; fetch it when the ID token has
 * none. oauth4webapi checks its `sub` equals the ID token's. Best effort: no profile is no error.
 */
async function userInfoClaims(
  config: OidcConfig,
  as: oauth.AuthorizationServer,
  accessToken: string,
  subject: string,
) {
  if (!as.userinfo_endpoint) return {};
  try {
    const client = clientOf(config);
    const response = await oauth.userInfoRequest(as, client, accessToken, httpOptions(config));
    return await oauth.processUserInfoResponse(as, client, subject, response);
  } catch {
    return {};
  }
}

/** How far a provider's clock may run ahead of ours: `iat` and `auth_time` beyond it are refused. */
export const CLOCK_SKEW_SECONDS = 60;

const nowSeconds = () => Math.floor(Date.now() / 1000);

/** `auth_time` present, not in the future (beyond the skew) and at most `maxAge` seconds ago. */
function authenticatedWithin(authTime: number | undefined, maxAge: number): boolean {
  if (typeof authTime !== "number") return false;
  const now = nowSeconds();
  return authTime <= now + CLOCK_SKEW_SECONDS && now - authTime <= maxAge + CLOCK_SKEW_SECONDS;
}

async function verifySignature(config: OidcConfig, as: oauth.AuthorizationServer, idToken: string) {
  if (!as.jwks_uri) throw new OidcCallbackError("invalid_response");
  let keys = keySets.get(as.jwks_uri);
  if (!keys) {
    keys = createRemoteJWKSet(new URL(as.jwks_uri), {
      cacheMaxAge: DISCOVERY_TTL_MS,
      cooldownDuration: 30_000,
    });
    keySets.set(as.jwks_uri, keys);
  }
  let iat: number | undefined;
  try {
    const { payload } = await jwtVerify(idToken, keys, {
      issuer: as.issuer,
      audience: config.clientId,
      algorithms: ID_TOKEN_ALGORITHMS,
    });
    iat = payload.iat;
  } catch {
    throw new OidcCallbackError("invalid_response");
  }
  // Neither library refuses a token issued in the future; one from beyond the skew is forged or
  // pre-minted, never what a provider just sent.
  if (typeof iat !== "number" || iat > nowSeconds() + CLOCK_SKEW_SECONDS) {
    throw new OidcCallbackError("invalid_response");
  }
}
