import { base64url, jwtVerify } from "jose";
import * as z from "zod";
import { IDENTITY_SOURCES, USER_ROLES, type UserRow } from "../../db/schema";
import { ACCESS_TOKEN_ALGORITHM, type SigningKeys } from "./signing-keys";

/**
 * Short-lived access tokens (RFC 9068 JWT profile: `typ: at+jwt`, ES256, `kid`). They carry who
 * the caller is as of issuance, so a read that allows it needs no storage at all; every write and
 * administrative route still checks D1 (http/authenticate.ts). docs/access-tokens.md.
 */
export const ACCESS_TOKEN_TYPE = "at+jwt";
/** RFC 9068 requires `client_id`: the tokens are issued to this service's own first-party clients. */
export const ACCESS_TOKEN_CLIENT_ID = "edge-users";

/** What GET /users/me shows, as of issuance: the fields of the User wire object. */
export interface CallerSnapshot {
  id: string;
  username: string;
  email: string | null;
  displayName: string | null;
  role: UserRow["role"];
  group: { id: string; name: string };
  status: UserRow["status"];
  identitySource: UserRow["identitySource"];
  mustChangePassword: boolean;
  mfaEnabled: boolean;
  createdAt: string;
  lastLoginAt: string | null;
}

/** A verified access token: the session it came from and the caller as of issuance. */
export interface AccessTokenClaims {
  sessionId: string;
  /** The user's session_epoch when issued. */
  epoch: number;
  user: CallerSnapshot;
  expiresAt: number;
}

const ClaimsSchema = z.object({
  sub: z.string(),
  sid: z.string(),
  epoch: z.number().int(),
  role: z.enum(USER_ROLES),
  group: z.object({ id: z.string(), name: z.string() }),
  preferred_username: z.string(),
  email: z.string().nullable(),
  name: z.string().nullable(),
  identity_source: z.enum(IDENTITY_SOURCES),
  must_change_password: z.boolean(),
  mfa_enabled: z.boolean().default(false),
  created_at: z.string(),
  last_login_at: z.string().nullable(),
  exp: z.number(),
});

export interface TokenAudience {
  issuer: string;
  audience: string;
  ttlSeconds: number;
}

export interface IssuedAccessToken {
  token: string;
  expiresAt: number;
}

export async function signAccessToken(
  keys: SigningKeys,
  where: TokenAudience,
  input: { sessionId: string; epoch: number; authTime: number; user: CallerSnapshot },
): Promise<IssuedAccessToken> {
  const now = Math.floor(Date.now() / 1000);
  const expiresAt = now + where.ttlSeconds;
  const { user } = input;
  const header = { alg: ACCESS_TOKEN_ALGORITHM, typ: ACCESS_TOKEN_TYPE, kid: keys.current.kid };
  const payload = {
    iss: where.issuer,
    sub: user.id,
    aud: where.audience,
    iat: now,
    exp: expiresAt,
    jti: crypto.randomUUID(),
    client_id: ACCESS_TOKEN_CLIENT_ID,
    sid: input.sessionId,
    epoch: input.epoch,
    auth_time: input.authTime,
    role: user.role,
    group: user.group,
    preferred_username: user.username,
    email: user.email,
    name: user.displayName,
    identity_source: user.identitySource,
    must_change_password: user.mustChangePassword,
    mfa_enabled: user.mfaEnabled,
    created_at: user.createdAt,
    last_login_at: user.lastLoginAt,
  };
  // A compact JWS by hand (jose's verifier is bundled for OIDC already; its signer would add ~1.5 kB
  // gzip): WebCrypto's ECDSA signature is the raw r||s that JWS ES256 specifies (RFC 7518 §3.4).
  const signingInput = `${base64url.encode(JSON.stringify(header))}.${base64url.encode(JSON.stringify(payload))}`;
  const signature = await crypto.subtle.sign(
    { name: "ECDSA", hash: "SHA-256" },
    keys.current.key,
    new TextEncoder().encode(signingInput),
  );
  const token = `${signingInput}.${base64url.encode(new Uint8Array(signature))}`;
  return { token, expiresAt };
}

/** Cheap shape check before any cryptography: three base64url segments. */
export const looksLikeJwt = (value: string) => /^[\w-]+\.[\w-]+\.[\w-]+$/.test(value);

/**
 * The claims of a valid token: signature by one of our keys (by `kid`, ES256 only), `typ`,
 * issuer, audience, expiry (no leeway). Null for anything else; never throws for a bad token.
 */
export async function verifyAccessToken(
  keys: SigningKeys,
  where: Omit<TokenAudience, "ttlSeconds">,
  token: string,
): Promise<AccessTokenClaims | null> {
  const key = keys.verify.get(headerKid(token) ?? "");
  if (!key) return null;
  try {
    const { payload } = await jwtVerify(token, key, {
      algorithms: [ACCESS_TOKEN_ALGORITHM],
      typ: ACCESS_TOKEN_TYPE,
      issuer: where.issuer,
      audience: where.audience,
      requiredClaims: ["exp", "iat", "sub", "jti"],
    });
    const claims = ClaimsSchema.safeParse(payload);
    if (!claims.success) return null;
    const c = claims.data;
    return {
      sessionId: c.sid,
      epoch: c.epoch,
      expiresAt: c.exp,
      user: {
        id: c.sub,
        username: c.preferred_username,
        email: c.email,
        displayName: c.name,
        role: c.role,
        group: c.group,
        // Only active accounts are issued tokens (canHoldSession).
        status: "ACTIVE",
        identitySource: c.identity_source,
        mustChangePassword: c.must_change_password,
        mfaEnabled: c.mfa_enabled,
        createdAt: c.created_at,
        lastLoginAt: c.last_login_at,
      },
    };
  } catch (error) {
    // jose's errors (bad signature, expired, wrong typ, iss, aud …) all have an ERR_J… code.
    if (error instanceof Error && /^ERR_J/.test(String(Reflect.get(error, "code")))) return null;
    throw error;
  }
}

/** The `kid` of a compact JWS's protected header, or null (the signature is checked after). */
function headerKid(token: string): string | null {
  try {
    const header: unknown = JSON.parse(new TextDecoder().decode(base64url.decode(token.split(".")[0] ?? "")));
    const kid: unknown = typeof header === "object" && header !== null ? Reflect.get(header, "kid") : null;
    return typeof kid === "string" ? kid : null;
  } catch {
    return null;
  }
}
