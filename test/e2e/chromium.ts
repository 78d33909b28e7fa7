import { mkdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { type Browser, type CDPSession, chromium, type Page } from "playwright-core";
import { expect } from "vitest";

/**
 * What every browser test shares: launching Debian's Chromium (scripts/ensure-chromium.mjs installs
 * it), its virtual WebAuthn authenticator, axe-core scans and screenshots.
 */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--no-first-run",
    ],
  });
}

/**
 * A platform authenticator with resident keys and user verification that says yes at once (CDP
 * `WebAuthn` domain): navigator.credentials.create / .get then produce the browser's real bytes.
 */
export async function addVirtualAuthenticator(
  page: Page,
): Promise<{ cdp: CDPSession; authenticatorId: string }> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send("WebAuthn.enable");
  const { authenticatorId } = await cdp.send("WebAuthn.addVirtualAuthenticator", {
    options: {
      protocol: "ctap2",
      transport: "internal",
      hasResidentKey: true,
      hasUserVerification: true,
      isUserVerified: true,
      automaticPresenceSimulation: true,
    },
  });
  return { cdp, authenticatorId };
}

/** expect.poll with room for a loaded 2-core machine (sign-in hashes with scrypt). */
export const eventually = <T>(read: () => T | Promise<T>) => expect.poll(read, { timeout: 20_000 });

const SHOTS = path.join(import.meta.dirname, "screenshots");
const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");

/** A full-page screenshot into test/e2e/screenshots/ (not committed). */
export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: true });
}

interface Violation {
  id: string;
  impact: string | null;
  help: string;
  nodes: string[];
}
const isViolations = (value: unknown): value is Violation[] =>
  Array.isArray(value) &&
  value.every((v) => typeof v === "object" && v !== null && "id" in v && "impact" in v);

/**
 * axe-core on the page as it is (injected through the DevTools protocol, so a strict CSP does not
 * block it): no serious or critical violation.
 */
export async function axeScan(page: Page, screen: string): Promise<void> {
  if ((await page.evaluate("typeof axe")) === "undefined") await page.evaluate(AXE_SOURCE);
  const result: unknown = await page.evaluate(`axe.run(document, { resultTypes: ["violations"] }).then((r) =>
    r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => n.target.join(" ")) })))`);
  expect(isViolations(result)).toBe(true);
  const serious = isViolations(result)
    ? result.filter((v) => v.impact === "serious" || v.impact === "critical")
    : [];
  expect(serious, `${screen}: ${JSON.stringify(serious, null, 2)}`).toEqual([]);
}

/** Opens a console screen through its navigation link and waits for its heading. */
export async function openScreen(page: Page, link: string, heading = link): Promise<void> {
  await page.getByRole("navigation", { name: "Console" }).getByRole("link", { name: link }).click();
  await eventually(() => page.getByRole("heading", { level: 1, name: heading }).count()).toBe(1);
}

/** Waits until the console's live region says `text`. */
export async function expectStatus(page: Page, text: string | RegExp): Promise<void> {
  await eventually(() => page.locator("#status").textContent()).toMatch(text);
}
