// The browser end-to-end test drives Debian's Chromium with playwright-core (no browser download:
// this machine reaches only the npm registry and Debian's packages). Installs it when missing.
import { execSync } from "node:child_process";
import { existsSync } from "node:fs";

export const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

if (!existsSync(CHROMIUM)) {
  console.log("Installing Debian's chromium for the browser end-to-end test (apt-get)...");
  try {
    execSync("apt-get update -qq && apt-get install -y -qq --no-install-recommends chromium", {
      stdio: "inherit",
      env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" },
    });
  } catch {
    console.error(
      `Could not install chromium. Install it yourself (apt-get install chromium) or set CHROMIUM_PATH.`,
    );
    process.exit(1);
  }
}
