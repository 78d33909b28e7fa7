import type { Browser, CDPSession, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { currentStep, totpCodeAt } from "../../src/domain/mfa/totp";
import {
  addVirtualAuthenticator,
  axeScan,
  eventually,
  expectStatus,
  launchChromium,
  openScreen,
  screenshot,
} from "./chromium";
import { type RunningWorker, startWorker } from "./worker-process";

/**
 * The console's Security screen in Chromium against `wrangler dev` (issue #14): enrolling an
 * authenticator app and signing in with it, passkeys through Chromium's virtual authenticator
 * (added, renamed, removed), and the step-up prompt answered with a password and a code, then with
 * a passkey. The test plays the authenticator app: it reads the secret the screen
 * shows and computes the codes (RFC 6238, the Worker's own totpCodeAt).
 */
const ADMIN = { username: "admin", password: "security-e2e-admin-password" };
// Short, so the step-up prompt can be reached by waiting; long enough for the steps before it.
const STEP_UP_SECONDS = 25;

let worker: RunningWorker;
let browser: Browser;
let page: Page;
/** The authenticator app's secret, as the screen showed it. */
let secret = "";
/** The last TOTP step a code was accepted for: a code works once, so the next must be later. */
let usedStep = 0;
let recoveryCodes: string[] = [];
/** When this session last proved who the user is: a sign-in or a step-up. */
let provedAt = 0;
/** Chromium's virtual authenticator, once the passkey test has added it. */
let authenticator: { cdp: CDPSession; authenticatorId: string } | undefined;

/** A code the Worker accepts now: the current step, or the next one when the current was used. */
async function nextCode(): Promise<string> {
  const step = Math.max(currentStep(), usedStep + 1);
  usedStep = step;
  return totpCodeAt(secret, step);
}

async function signInWithPassword(): Promise<void> {
  await page.getByLabel("Username", { exact: true }).fill(ADMIN.username);
  await page.getByLabel("Password", { exact: true }).fill(ADMIN.password);
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
}

async function signOut(): Promise<void> {
  await page.getByRole("button", { name: "Sign out" }).click();
  await eventually(() => page.getByRole("heading", { level: 1, name: "Sign in" }).count()).toBe(1);
}

/** Waits until the last proof is older than STEP_UP_MAX_AGE_SECONDS: guarded calls are refused then. */
async function outlastStepUp(): Promise<void> {
  const wait = provedAt + (STEP_UP_SECONDS + 2) * 1000 - Date.now();
  if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
}

/** The virtual authenticator's one credential: how often it has signed. */
async function passkeySignCount(): Promise<number | undefined> {
  if (!authenticator) return undefined;
  const { cdp, authenticatorId } = authenticator;
  const { credentials } = await cdp.send("WebAuthn.getCredentials", { authenticatorId });
  return credentials[0]?.signCount;
}

const onProfile = () =>
  eventually(() => page.getByRole("heading", { level: 1, name: "My profile" }).count()).toBe(1);

beforeAll(async () => {
  worker = await startWorker({
    BOOTSTRAP_ADMIN_USERNAME: ADMIN.username,
    BOOTSTRAP_ADMIN_PASSWORD: ADMIN.password,
    ENCRYPTION_KEY: "k1:Xo9Wq0vC2cT3m0mLkUoF1yv0m7yH1JQ7o8c9x4eXb2Q=",
    // The example key and the passkey relying party derived from the request: development only.
    ENVIRONMENT: "development",
    STEP_UP_MAX_AGE_SECONDS: String(STEP_UP_SECONDS),
    // Administrators must enrol a second factor: the console sends them to the Security screen.
    MFA_REQUIRED_FOR_ADMINS: "true",
  });
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
});

afterAll(async () => {
  await browser?.close();
  await worker?.stop();
});

describe("second factors in the console (Chromium)", () => {
  it("sends an administrator who must enrol to the Security screen, and keeps them there until they do", async () => {
    await page.goto(`${worker.url}/console/`);
    await signInWithPassword();
    await eventually(() => page.getByRole("heading", { level: 1, name: "Security" }).count()).toBe(1);
    await eventually(() => page.getByText(/^Your account needs a second factor/).count()).toBe(1);
    await page.getByRole("navigation", { name: "Console" }).getByRole("link", { name: "My profile" }).click();
    await eventually(() => page.getByRole("heading", { level: 1, name: "Security" }).count()).toBe(1);
  });

  it("enrols an authenticator app: QR code and key shown, confirmed with a code, 10 recovery codes shown once", async () => {
    await eventually(() => page.getByRole("button", { name: "Set up authenticator app" }).count()).toBe(1);
    expect(await page.locator(".facts").textContent()).toContain("Second factorOff");
    await axeScan(page, "security");
    await screenshot(page, "security");

    await page.getByRole("button", { name: "Set up authenticator app" }).click();
    await eventually(() => page.locator("#totp-secret").count()).toBe(1);
    secret = (await page.locator("#totp-secret").textContent()) ?? "";
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    const qr = page.getByRole("img", { name: "QR code of your new authenticator secret" });
    expect(await qr.getAttribute("src")).toMatch(/^data:image\/svg\+xml/);
    expect(await page.evaluate("document.querySelector('img.qr').naturalWidth")).toBeGreaterThan(0);
    await axeScan(page, "security-totp-setup");
    await screenshot(page, "security-totp-setup");

    await page.getByLabel("Code from the app", { exact: true }).fill("000000");
    await page.getByRole("button", { name: "Turn on" }).click();
    await expectStatus(page, /code/i);
    await page.getByLabel("Code from the app", { exact: true }).fill(await nextCode());
    await page.getByRole("button", { name: "Turn on" }).click();
    await eventually(() => page.locator(".codes li").count()).toBe(10);
    recoveryCodes = await page.locator(".codes li").allTextContents();
    expect(recoveryCodes.every((c) => /^[a-z2-7]{5}-[a-z2-7]{5}$/i.test(c))).toBe(true);
    expect(await page.getByText(/^Shown once: you will not see these codes again/).count()).toBe(1);
    await expectStatus(page, /shown once/);
    await axeScan(page, "security-recovery-codes");
    await screenshot(page, "security-recovery-codes");

    await page.getByRole("button", { name: "I have saved them" }).click();
    await eventually(() => page.locator(".facts").textContent()).toContain("Authenticator appOn");
    expect(await page.locator(".facts").textContent()).toContain("Recovery codes left10 of 10");
    // Shown once: gone from the page, and no API answer carries them again.
    expect(await page.content()).not.toContain(recoveryCodes[0]);
    expect(await page.getByText(/^Your account needs a second factor/).count()).toBe(0);
    await openScreen(page, "My profile");
  });

  it("signs out, then signs in with the password and the authenticator code", async () => {
    await signOut();
    await signInWithPassword();
    await eventually(() => page.getByRole("heading", { name: "Second step" }).count()).toBe(1);
    const code = page.getByLabel("Authenticator code or recovery code", { exact: true });
    // Focus moves to the code field.
    await eventually(() => page.evaluate("document.activeElement?.name")).toBe("second_factor");
    await axeScan(page, "sign-in-second-step");
    await screenshot(page, "sign-in-second-step");

    await code.fill("123456");
    await page.getByRole("button", { name: "Continue" }).click();
    await expectStatus(page, /code/i);
    await code.fill(await nextCode());
    await page.getByRole("button", { name: "Continue" }).click();
    await onProfile();
  });

  it("registers a passkey through the Security screen with Chromium's virtual authenticator, lists it, and signs in with it", async () => {
    authenticator = await addVirtualAuthenticator(page);
    const { cdp, authenticatorId } = authenticator;
    await openScreen(page, "Security");
    await page.getByLabel("Name for a new passkey", { exact: true }).fill("Virtual authenticator");
    await page.getByRole("button", { name: "Add a passkey" }).click();
    await expectStatus(page, 'Passkey "Virtual authenticator" added');
    const list = page.getByRole("region", { name: "Your passkeys" });
    await eventually(() => list.locator("tbody tr").count()).toBe(1);
    expect(await list.textContent()).toContain("Virtual authenticator");
    expect(await page.locator(".facts").textContent()).toContain("Passkeys1");
    const { credentials } = await cdp.send("WebAuthn.getCredentials", { authenticatorId });
    expect(credentials).toHaveLength(1);
    await axeScan(page, "security-passkeys");
    await screenshot(page, "security-passkeys");
    // Phone width: the passkey table scrolls inside its region, the page never sideways.
    await page.setViewportSize({ width: 375, height: 800 });
    expect(
      await page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth"),
    ).toBe(0);
    await screenshot(page, "security-phone");
    await page.setViewportSize({ width: 1200, height: 900 });

    // Passkey only: no username, no password, no code.
    await signOut();
    await page.getByRole("button", { name: "Sign in with a passkey" }).click();
    await onProfile();
    provedAt = Date.now();
  });

  it("asks for the password and a second factor when the sign-in is too old, then regenerates the recovery codes", async () => {
    await openScreen(page, "Security");
    await eventually(() => page.getByRole("button", { name: "New recovery codes" }).count()).toBe(1);
    // Past STEP_UP_MAX_AGE_SECONDS since the sign-in: the API answers reauthentication_required.
    await outlastStepUp();
    await page.getByRole("button", { name: "New recovery codes" }).click();
    const dialog = page.getByRole("dialog", { name: "Confirm it is you" });
    await eventually(() => dialog.count()).toBe(1);
    // The modal dialog takes focus: its first field.
    await eventually(() =>
      page.evaluate("document.activeElement?.closest('dialog') && document.activeElement.name"),
    ).toBe("password");
    // The user has a passkey too: the dialog offers it next to the password.
    expect(await dialog.getByRole("button", { name: "Use a passkey" }).count()).toBe(1);
    await axeScan(page, "security-step-up");
    await screenshot(page, "security-step-up");

    await dialog.getByLabel("Password", { exact: true }).fill(ADMIN.password);
    await dialog
      .getByLabel("Authenticator code or recovery code", { exact: true })
      .fill(recoveryCodes[0] ?? "");
    await dialog.getByRole("button", { name: "Confirm" }).click();
    await eventually(() => dialog.count()).toBe(0);
    provedAt = Date.now();
    // The refused request ran again after the prompt: new codes, none of the old ones.
    await eventually(() => page.locator(".codes li").count()).toBe(10);
    const fresh = await page.locator(".codes li").allTextContents();
    expect(fresh.filter((c) => recoveryCodes.includes(c))).toEqual([]);
    await page.getByRole("button", { name: "I have saved them" }).click();
    await eventually(() => page.locator(".facts").textContent()).toContain("Recovery codes left10 of 10");
  });

  it("renames a passkey in a dialog: the API's refusal is shown next to the field, the new name is listed and announced", async () => {
    const list = page.getByRole("region", { name: "Your passkeys" });
    const dialog = page.getByRole("dialog", { name: "Rename passkey Virtual authenticator" });
    // Escape cancels: nothing renamed, focus back on the button that opened the dialog.
    await page.getByRole("button", { name: "Rename passkey Virtual authenticator" }).click();
    await eventually(() => dialog.count()).toBe(1);
    await page.keyboard.press("Escape");
    await eventually(() => dialog.count()).toBe(0);
    await eventually(() => page.evaluate("document.activeElement?.getAttribute('aria-label')")).toBe(
      "Rename passkey Virtual authenticator",
    );

    await page.getByRole("button", { name: "Rename passkey Virtual authenticator" }).click();
    await eventually(() => dialog.count()).toBe(1);
    const name = dialog.getByLabel("New name", { exact: true });
    // Focus moves into the dialog, on the name, which starts as the current one.
    await eventually(() => page.evaluate("document.activeElement?.name")).toBe("passkey_new_name");
    expect(await name.inputValue()).toBe("Virtual authenticator");
    await axeScan(page, "security-passkey-rename");
    await screenshot(page, "security-passkey-rename");

    // A zero-width space passes the browser's checks; the API refuses it (422).
    await name.fill("Laptop\u200b");
    await dialog.getByRole("button", { name: "Save" }).click();
    await eventually(() => name.getAttribute("aria-invalid")).toBe("true");
    const problem = dialog.locator(".field .error");
    expect(await problem.textContent()).toMatch(/zero-width characters are not allowed/);
    // The field names its error, and has focus again.
    expect(await name.getAttribute("aria-describedby")).toBe(await problem.getAttribute("id"));
    expect(await page.evaluate("document.activeElement?.name")).toBe("passkey_new_name");
    await axeScan(page, "security-passkey-rename-refused");
    await screenshot(page, "security-passkey-rename-refused");

    await name.fill("Work laptop");
    await dialog.getByRole("button", { name: "Save" }).click();
    await eventually(() => dialog.count()).toBe(0);
    await expectStatus(page, 'Passkey "Virtual authenticator" renamed to "Work laptop"');
    await eventually(() => list.textContent()).toContain("Work laptop");
    expect(await list.textContent()).not.toContain("Virtual authenticator");
    await eventually(() => page.evaluate("document.activeElement?.getAttribute('aria-label')")).toBe(
      "Rename passkey Work laptop",
    );
  });

  it("satisfies a step-up with the passkey alone when the last proof is too old, then removes the passkey", async () => {
    await outlastStepUp();
    const signed = (await passkeySignCount()) ?? 0;
    await page.getByRole("button", { name: "Remove passkey Work laptop" }).click();
    const dialog = page.getByRole("dialog", { name: "Confirm it is you" });
    await eventually(() => dialog.count()).toBe(1);
    const usePasskey = dialog.getByRole("button", { name: "Use a passkey" });
    expect(await usePasskey.count()).toBe(1);
    await axeScan(page, "security-step-up-passkey");
    await screenshot(page, "security-step-up-passkey");

    // No password, no code: the virtual authenticator answers the step-up challenge.
    await usePasskey.click();
    await eventually(() => dialog.count()).toBe(0);
    provedAt = Date.now();
    expect(await passkeySignCount()).toBeGreaterThan(signed);
    // The refused removal ran again after the prompt.
    await expectStatus(page, 'Passkey "Work laptop" removed');
    await eventually(() => page.getByText("No passkeys yet.").count()).toBe(1);
    expect(await page.locator(".facts").textContent()).toContain("Passkeys0");
  });

  it("turns the authenticator app off", async () => {
    await page.getByRole("button", { name: "Turn off authenticator app" }).click();
    await page.getByRole("button", { name: "Turn off", exact: true }).click();
    await expectStatus(page, "Authenticator app turned off");
    await eventually(() => page.locator(".facts").textContent()).toContain("Second factorOff");
    // Without a factor, the policy applies again.
    expect(await page.getByText(/^Your account needs a second factor/).count()).toBe(1);
  });
});
