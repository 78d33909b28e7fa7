import { describe, expect, it } from "vitest";
import {
  CURRENT_PARAMS,
  hashPassword,
  needsRehash,
  verifyPassword,
} from "../../src/domain/passwords/password-hash";
import { passwordPolicyViolation } from "../../src/domain/passwords/password-policy";

describe("password hashing", () => {
  it("uses OWASP-equivalent scrypt parameters that fit a Worker's memory", () => {
    // OWASP: N=2^14,r=8,p=5 is equivalent to N=2^17,r=8,p=1; 128*N*r = 16 MiB per hash.
    expect(CURRENT_PARAMS).toEqual({ logN: 14, r: 8, p: 5 });
    expect(128 * 2 ** CURRENT_PARAMS.logN * CURRENT_PARAMS.r).toBeLessThanOrEqual(32 * 1024 * 1024);
  });

  it("stores algorithm and parameters with the hash and verifies it", async () => {
    const hash = await hashPassword("correct horse battery");
    expect(hash).toMatch(/^\$scrypt\$ln=14,r=8,p=5\$[A-Za-z0-9+/=]{24}\$[A-Za-z0-9+/=]{44}$/);
    expect(await verifyPassword("correct horse battery", hash)).toBe(true);
    expect(await verifyPassword("correct horse batterY", hash)).toBe(false);
    expect(needsRehash(hash)).toBe(false);
  });

  it("salts every hash", async () => {
    expect(await hashPassword("same password")).not.toBe(await hashPassword("same password"));
  });

  it("flags weaker hashes for upgrade and never matches a malformed one", async () => {
    expect(needsRehash(await hashPassword("pw pw pw pw pw", { logN: 10, r: 8, p: 1 }))).toBe(true);
    expect(await verifyPassword("anything", "plaintext")).toBe(false);
    expect(needsRehash("$argon2id$whatever")).toBe(true);
  });
});

describe("password policy", () => {
  it.each([
    ["eleven char", "at least 12"],
    ["x".repeat(129), "at most 128"],
    ["é".repeat(128), null],
    ["🙂".repeat(128), null],
    ["🙂".repeat(129), "at most 128"],
    ["Some-Username", "same as the username"],
    ["a perfectly fine passphrase", null],
  ])("%s → %s", (password, expected) => {
    const violation = passwordPolicyViolation(password, "some-username");
    if (expected === null) expect(violation).toBeNull();
    else expect(violation).toContain(expected);
  });
});

describe("timing equalisation", () => {
  it("checks unknown users against a dummy hash made with today's parameters", async () => {
    // Were the dummy weaker than real hashes, unknown usernames would answer measurably faster.
    const { DUMMY_HASH } = await import("../../src/domain/passwords/password-hash");
    expect(
      DUMMY_HASH.startsWith(`$scrypt$ln=${CURRENT_PARAMS.logN},r=${CURRENT_PARAMS.r},p=${CURRENT_PARAMS.p}$`),
    ).toBe(true);
    expect(needsRehash(DUMMY_HASH)).toBe(false);
  });
});
