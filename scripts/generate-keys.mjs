// `npm run keys:generate`: prints a new ES256 signing key as a JWK set, the value of the
// ACCESS_TOKEN_JWKS secret (docs/access-tokens.md). To rotate, pass the current secret value on
// stdin: the new key is put first (it signs) and the current ones stay (they still verify):
//   npm run -s keys:generate                      # a fresh set with one key
//   printf '%s' "$OLD" | npm run -s keys:generate -- --rotate   # new key first, old keys kept
// Verifiers cache our JWKS (Cache-Control max-age 300 s): to rotate without any verifier meeting
// an unknown kid, first publish the new key without signing (`--stage` appends it), wait 5
// minutes, then move it first (or run --rotate with the staged key removed).
// Keep at most two or three keys; drop a key once no token signed by it can still be valid
// (ACCESS_TOKEN_TTL_SECONDS after the rotation).
import { readFileSync } from "node:fs";
import { exportJWK, generateKeyPair } from "jose";

const { privateKey } = await generateKeyPair("ES256", { extractable: true });
const jwk = await exportJWK(privateKey);
const key = {
  ...jwk,
  kid: `${new Date().toISOString().slice(0, 10)}-${crypto.randomUUID().slice(0, 8)}`,
  alg: "ES256",
  use: "sig",
};
const stage = process.argv.includes("--stage");
const previous = process.argv.includes("--rotate") || stage ? JSON.parse(readFileSync(0, "utf8")).keys : [];
const keys = stage ? [...previous, key] : [key, ...previous];
process.stdout.write(`${JSON.stringify({ keys })}\n`);
