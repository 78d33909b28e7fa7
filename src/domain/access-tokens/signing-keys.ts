import type { JWK } from "jose";
import { AppError } from "../../core/errors";

/**
 * Access-token signing keys: the ACCESS_TOKEN_JWKS secret holds a JWK set of ES256 private keys,
 * each with a `kid`. The first key signs; every key verifies, so a rotation (new key first, the old
 * one kept until tokens signed with it have expired) signs nobody out. docs/access-tokens.md.
 */
export const ACCESS_TOKEN_ALGORITHM = "ES256";

export interface SigningKeys {
  /** kid and private key of the key that signs. */
  current: { kid: string; key: CryptoKey };
  /** Public keys by kid: what verification accepts. */
  verify: Map<string, CryptoKey>;
  /** The public JWK set served at /.well-known/jwks.json (no private members). */
  publicJwks: { keys: JWK[] };
}

const notConfigured = (detail: string) => new AppError("access_tokens_not_configured", detail);
const PRIVATE_MEMBERS = new Set(["d", "p", "q", "dp", "dq", "qi", "k", "oth"]);

function parseKeys(raw: string): JWK[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw notConfigured("ACCESS_TOKEN_JWKS is not valid JSON");
  }
  const keys: unknown = typeof parsed === "object" && parsed !== null ? Reflect.get(parsed, "keys") : null;
  if (!Array.isArray(keys) || keys.length === 0) throw notConfigured("ACCESS_TOKEN_JWKS has no keys");
  return keys.map((key: unknown) => {
    if (typeof key !== "object" || key === null) throw notConfigured("ACCESS_TOKEN_JWKS holds a non-object");
    const jwk: JWK = Object.fromEntries(Object.entries(key));
    if (jwk.kty !== "EC" || jwk.crv !== "P-256" || typeof jwk.d !== "string" || !jwk.kid) {
      throw notConfigured("Every ACCESS_TOKEN_JWKS key must be an EC P-256 private key with a kid");
    }
    if (jwk.alg !== undefined && jwk.alg !== ACCESS_TOKEN_ALGORITHM) {
      throw notConfigured(`ACCESS_TOKEN_JWKS keys must be ${ACCESS_TOKEN_ALGORITHM}`);
    }
    return jwk;
  });
}

const publicPart = (jwk: JWK): JWK => ({
  ...Object.fromEntries(Object.entries(jwk).filter(([name]) => !PRIVATE_MEMBERS.has(name))),
  alg: ACCESS_TOKEN_ALGORITHM,
  use: "sig",
});

async function importKeys(raw: string): Promise<SigningKeys> {
  const jwks = parseKeys(raw);
  const importKey = async (jwk: JWK) => {
    try {
      const material: JsonWebKey = {
        kty: "EC",
        crv: "P-256",
        x: jwk.x,
        y: jwk.y,
        ...(jwk.d ? { d: jwk.d } : {}),
      };
      return await crypto.subtle.importKey("jwk", material, { name: "ECDSA", namedCurve: "P-256" }, false, [
        jwk.d ? "sign" : "verify",
      ]);
    } catch {
      throw notConfigured(`ACCESS_TOKEN_JWKS key ${jwk.kid ?? ""} could not be imported`);
    }
  };
  const verify = new Map<string, CryptoKey>();
  for (const jwk of jwks) {
    if (jwk.kid && verify.has(jwk.kid)) throw notConfigured("ACCESS_TOKEN_JWKS has a duplicate kid");
    verify.set(jwk.kid ?? "", await importKey(publicPart(jwk)));
  }
  const [first] = jwks;
  if (!first?.kid) throw notConfigured("ACCESS_TOKEN_JWKS has no keys");
  return {
    current: { kid: first.kid, key: await importKey(first) },
    verify,
    publicJwks: { keys: jwks.map(publicPart) },
  };
}

// Imported once per isolate and secret value (a rotation deploys a new value).
let cached: { raw: string; keys: Promise<SigningKeys> } | null = null;

/**
 * The keys, or null when ACCESS_TOKEN_JWKS is unset (then the access-token shortcut is off and
 * token issuance answers 503). A malformed secret throws `access_tokens_not_configured`.
 */
export async function signingKeys(raw: string | undefined): Promise<SigningKeys | null> {
  if (!raw) return null;
  if (cached?.raw !== raw) {
    const keys = importKeys(raw);
    cached = { raw, keys };
    keys.catch(() => {
      if (cached?.raw === raw) cached = null;
    });
  }
  return cached.keys;
}
