import { Buffer } from "node:buffer";
import type { Context } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import { randomToken, sha256Hex } from "../core/crypto";
import { AppError } from "../core/errors";
import { readConfig } from "../core/settings";
import { type CredentialCheck, type LockoutSubject, verifyWithLockout } from "../domain/local-login";
import {
  type AssertionResult,
  fromB64url,
  type RelyingParty,
  relyingParty,
  verifyAssertion,
} from "../domain/mfa/passkeys";
import { auditStatement } from "../storage/audit";
import { findPasskeyByCredentialId, type PasskeyRow, passkeyStatements } from "../storage/passkeys";
import {
  saveWebauthnChallenge,
  takeWebauthnChallenge,
  WEBAUTHN_CHALLENGE_TTL_SECONDS,
  type WebauthnChallengeRecord,
} from "../storage/webauthn-challenges";
import type { AppEnv } from "./app-env";
import { auditBase } from "./request-context";
import { isPlainLocalhost } from "./session-cookie";

/**
 * The HTTP half of a WebAuthn ceremony, shared by passkey registration and sign-in and by the
 * second-factor step: challenges bound to the browser like OIDC state (KV record + HttpOnly
 * cookie holding the binding secret, consumed with the challenge), and an assertion checked
 * against a stored passkey with its counter recorded by a conditional UPDATE.
 */
type Ctx = Context<AppEnv>;
const BINDING_COOKIE = "webauthn_binding";
const COOKIE_PATH = "/api/v1/users";

export const passkeyRefused = (why: string) => new AppError("invalid_passkey", `Passkey refused: ${why}`);
export const relyingPartyOf = (c: Ctx): RelyingParty => relyingParty(readConfig(c.env), c.req.url);

export async function issueWebauthnChallenge(
  c: Ctx,
  purpose: WebauthnChallengeRecord["purpose"],
  userId: string | null,
): Promise<string> {
  const challenge = randomToken();
  const binding = randomToken();
  await saveWebauthnChallenge(c.var.kv, challenge, {
    purpose,
    userId,
    bindingHash: await sha256Hex(binding),
    createdAt: new Date().toISOString(),
  });
  setCookie(c, BINDING_COOKIE, binding, {
    httpOnly: true,
    sameSite: "Strict",
    path: COOKIE_PATH,
    maxAge: WEBAUTHN_CHALLENGE_TTL_SECONDS,
    secure: !isPlainLocalhost(c),
  });
  c.header("Cache-Control", "no-store");
  return challenge;
}

/** The challenge the browser signed (read from clientDataJSON), taken once, checked against this browser. */
export async function takeSignedChallenge(
  c: Ctx,
  clientDataJSON: string,
  purpose: WebauthnChallengeRecord["purpose"],
) {
  let challenge: unknown;
  try {
    challenge = JSON.parse(new TextDecoder().decode(fromB64url(clientDataJSON))).challenge;
  } catch {
    throw passkeyRefused("malformed clientDataJSON");
  }
  const record = typeof challenge === "string" ? await takeWebauthnChallenge(c.var.kv, challenge) : null;
  if (!record || typeof challenge !== "string" || record.purpose !== purpose) {
    throw passkeyRefused("unknown, expired or used challenge");
  }
  const binding = getCookie(c, BINDING_COOKIE);
  deleteCookie(c, BINDING_COOKIE, { path: COOKIE_PATH });
  if (!binding || (await sha256Hex(binding)) !== record.bindingHash) {
    throw passkeyRefused("challenge of another browser");
  }
  return { challenge, record };
}

export interface AssertionInput {
  id: string;
  response: {
    clientDataJSON: string;
    authenticatorData: string;
    signature: string;
    userHandle?: string | null;
  };
}

/**
 * The stored passkey that made `credential` for `challenge`: the signature, the counter (a
 * regression is refused and audited), and the conditional counter update. Refuses (401
 * `invalid_passkey`) anything else. With `userId`, only that user's passkeys are accepted, checked
 * before the signature so another account's counter is never touched, and a refusal is not audited
 * here but told to `noteRefusal`: the lockout records it with the failure, in one batch.
 */
async function verifiedPasskey(
  c: Ctx,
  credential: AssertionInput,
  challenge: string,
  userId: string | null,
  noteRefusal: (reason: string) => void = () => {},
): Promise<PasskeyRow> {
  const db = c.var.primaryDb;
  const passkey = await findPasskeyByCredentialId(db, credential.id);
  if (!passkey) throw passkeyRefused("unknown credential");
  if (userId !== null && passkey.userId !== userId) throw passkeyRefused("not a passkey of this account");
  const handle = credential.response.userHandle;
  if (handle && handle !== Buffer.from(passkey.userId).toString("base64url"))
    throw passkeyRefused("wrong user handle");
  const result: AssertionResult = await verifyAssertion(
    credential.response,
    passkey,
    challenge,
    relyingPartyOf(c),
  );
  const origin = auditBase(c, { actorId: passkey.userId, targetId: passkey.userId });
  if (!result.ok) {
    // A user's own proof (userId given) fails under the lockout, which writes the failure's entry.
    if (userId !== null) noteRefusal(result.reason);
    else {
      await auditStatement(db, {
        ...origin,
        action:
          result.reason === "counter_regressed" ? "auth.passkey_counter_regressed" : "auth.login_failed",
        details: { reason: result.reason, passkey_id: passkey.id },
      }).run();
    }
    throw passkeyRefused(
      result.reason === "counter_regressed" ? "signature counter went backwards" : "invalid assertion",
    );
  }
  const used = await passkeyStatements.recordUse(
    db,
    passkey.id,
    passkey.signCount,
    result.signCount,
    result.backedUp,
  );
  if (used.length === 0) throw passkeyRefused("used concurrently");
  return passkey;
}

/** A passkey sign-in (discoverable credentials: any user's passkey), for a `login` challenge. */
export async function checkPasskeyAssertion(c: Ctx, credential: AssertionInput): Promise<PasskeyRow> {
  const { challenge } = await takeSignedChallenge(c, credential.response.clientDataJSON, "login");
  return verifiedPasskey(c, credential, challenge, null);
}

/**
 * The one check of an assertion that must be by one of `user`'s passkeys (the second factor of a
 * sign-in, a re-authentication), under the account lockout shared with passwords and codes: a
 * refused assertion (unknown credential, another account's passkey, bad signature, wrong origin,
 * no user verification, counter regression) counts as a failure. A challenge that is unknown,
 * expired, used, another browser's or issued to another user is refused without counting: nothing
 * was tried against this account.
 */
export async function verifyPasskeyWithLockout(
  c: Ctx,
  input: {
    user: LockoutSubject;
    credential: AssertionInput;
    purpose: "login" | "reauthenticate";
    audit: CredentialCheck["audit"];
  },
): Promise<void> {
  const { user, credential } = input;
  const { challenge, record } = await takeSignedChallenge(
    c,
    credential.response.clientDataJSON,
    input.purpose,
  );
  if (record.userId !== null && record.userId !== user.id) throw passkeyRefused("challenge of another user");
  // The failure's audit entry says why, e.g. a cloned authenticator's counter going backwards.
  let refusal = "wrong_passkey";
  await verifyWithLockout(c.var.primaryDb, readConfig(c.env), {
    user,
    get reason() {
      return refusal;
    },
    audit: input.audit,
    wrong: passkeyRefused("not a valid passkey of this account"),
    verify: async () => {
      try {
        await verifiedPasskey(c, credential, challenge, user.id, (reason) => {
          refusal = reason === "counter_regressed" ? "passkey_counter_regressed" : "wrong_passkey";
        });
        return true;
      } catch (error) {
        if (error instanceof AppError && error.code === "invalid_passkey") return false;
        throw error;
      }
    },
  });
}

/**
 * Issues a challenge and answers with the request options for `navigator.credentials.get`:
 * `allowCredentials` empty for a discoverable sign-in, the user's credential ids otherwise.
 */
export async function passkeyRequestOptions(
  c: Ctx,
  purpose: "login" | "reauthenticate",
  user: { id: string; credentialIds: string[] } | null,
) {
  // The relying party first: a misconfigured deployment answers 503 before any KV write.
  const rp = relyingPartyOf(c);
  const challenge = await issueWebauthnChallenge(c, purpose, user?.id ?? null);
  return {
    challenge,
    rpId: rp.id,
    timeout: WEBAUTHN_CHALLENGE_TTL_SECONDS * 1000,
    userVerification: "required" as const,
    allowCredentials: (user?.credentialIds ?? []).map((id) => ({ type: "public-key" as const, id })),
  };
}
