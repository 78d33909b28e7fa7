import type { Browser, Locator, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { COMMON_SECURITY_HEADERS, HTML_CSP } from "../../src/core/security-policy";
import {
  eventually,
  launchChromium,
  openScreen,
  axeScan as scan,
  screenshot,
  expectStatus as statusIs,
} from "./chromium";
import { FAKE_KEY, startFakeOpenAi } from "./fake-openai";
import { type RunningWorker, startWorker } from "./worker-process";

/**
 * The console in a real browser (Debian chromium through playwright-core) against `wrangler dev`:
 * (c) what a user and an administrator do in it, (d) an axe-core scan of every screen. Screenshots
 * of each screen go to test/e2e/screenshots/ (not committed; one is copied to docs/).
 */
const ADMIN = { username: "admin", password: "console-e2e-admin-password" };

let worker: RunningWorker;
let fake: Awaited<ReturnType<typeof startFakeOpenAi>>;
let browser: Browser;
let page: Page;

// This file drives one page: the shared helpers bound to it.
const axeScan = (screen: string) => scan(page, screen);
const shot = (name: string) => screenshot(page, name);
const open = (link: string, heading = link) => openScreen(page, link, heading);
const expectStatus = (text: string | RegExp) => statusIs(page, text);

async function api(pathname: string, init: RequestInit = {}, token?: string): Promise<Response> {
  const headers = new Headers(init.headers);
  if (token) headers.set("authorization", `Bearer ${token}`);
  if (init.body) headers.set("content-type", "application/json");
  return fetch(`${worker.url}/api/v1${pathname}`, { ...init, headers });
}

async function tokenFor(username: string, password: string): Promise<string> {
  const res = await api("/users/login/local", {
    method: "POST",
    body: JSON.stringify({ username, password }),
  });
  const body: unknown = await res.json();
  if (typeof body !== "object" || body === null || !("token" in body) || typeof body.token !== "string") {
    throw new Error(`sign-in of ${username} failed: ${res.status} ${JSON.stringify(body)}`);
  }
  return body.token;
}

const section = (id: string): Locator => page.locator(`#section-${id}`);

beforeAll(async () => {
  fake = await startFakeOpenAi();
  worker = await startWorker({
    BOOTSTRAP_ADMIN_USERNAME: ADMIN.username,
    BOOTSTRAP_ADMIN_PASSWORD: ADMIN.password,
    ENCRYPTION_KEY: "k1:Xo9Wq0vC2cT3m0mLkUoF1yv0m7yH1JQ7o8c9x4eXb2Q=",
    // The example key above is accepted only in development (docs/preferences.md).
    ENVIRONMENT: "development",
    // e2e only: the fake provider listens on loopback.
    ALLOW_PRIVATE_PROVIDER_URLS: "true",
  });
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
});

afterAll(async () => {
  await browser?.close();
  await worker?.stop();
  await fake?.close();
});

describe("the console in a real browser", () => {
  it("is served with the same CSP and security headers as the Worker's HTML (the assets' _headers)", async () => {
    for (const path of ["/console/", "/console/console.js", "/reference/", "/"]) {
      const res = await fetch(`${worker.url}${path}`);
      expect(res.status).toBe(200);
      expect(res.headers.get("content-security-policy")).toBe(HTML_CSP);
      for (const [name, value] of Object.entries(COMMON_SECURITY_HEADERS))
        expect(res.headers.get(name)).toBe(value);
    }
  });

  it("offers sign-in to a visitor, and signs the administrator in with the local form", async () => {
    await page.goto(`${worker.url}/console/`);
    await eventually(() => page.getByRole("heading", { level: 1, name: "Sign in" }).count()).toBe(1);
    const oidc = page.getByRole("link", { name: "Sign in with your identity provider" });
    expect(await oidc.getAttribute("href")).toContain("/api/v1/users/login?frontend_callback_uri=");
    await axeScan("sign-in");
    await shot("sign-in");

    await page.getByLabel("Username", { exact: true }).fill(ADMIN.username);
    await page.getByLabel("Password", { exact: true }).fill("wrong password here");
    await page.getByRole("button", { name: "Sign in", exact: true }).click();
    await expectStatus(/invalid|wrong/i);

    await page.getByLabel("Password", { exact: true }).fill(ADMIN.password);
    await page.getByRole("button", { name: "Sign in", exact: true }).click();
    await eventually(() => page.getByRole("heading", { level: 1, name: "My profile" }).count()).toBe(1);
    expect(await page.getByRole("navigation", { name: "Console" }).textContent()).toContain("Users");
    await eventually(() => page.getByRole("button", { name: "Save profile" }).count()).toBe(1);
    await axeScan("profile");
    await shot("profile");
  });

  it("saves the profile and shows the password screen", async () => {
    await page.getByLabel("Display name", { exact: true }).fill("Console Admin");
    await page.getByRole("button", { name: "Save profile" }).click();
    await expectStatus("Profile saved");
    const token = await tokenFor(ADMIN.username, ADMIN.password);
    const profile: unknown = await (await api("/users/me/profile", {}, token)).json();
    expect(profile).toMatchObject({ display_name: "Console Admin" });

    await open("Password");
    expect(await page.getByLabel("New password", { exact: true }).getAttribute("autocomplete")).toBe(
      "new-password",
    );
    await axeScan("password");
    await shot("password");
  });

  it("changes a preference, verifies a key against a loopback OpenAI-compatible provider, never shows the key back", async () => {
    await open("Preferences");
    const llm = section("llm");
    await llm.getByLabel("Provider", { exact: true }).selectOption("openai_compatible");
    await llm.getByLabel("Base URL", { exact: true }).fill(fake.baseUrl);
    await llm.getByLabel("API key", { exact: true }).fill("sk-wrong-key");
    await llm.getByRole("button", { name: "Verify key" }).click();
    await expect.poll(() => llm.locator(".result").textContent()).toMatch(/^Key check failed/);

    await llm.getByLabel("API key", { exact: true }).fill(FAKE_KEY);
    await llm.getByRole("button", { name: "Verify key" }).click();
    await eventually(() => llm.locator(".result").textContent()).toMatch(/^Key works/);
    expect(fake.requests).toContain("GET /v1/models");

    await llm.getByLabel("Model", { exact: true }).fill("local-model");
    await llm.getByRole("button", { name: "Save" }).click();
    await expectStatus("Language model (LLM) saved");
    await expect
      .poll(() => llm.locator(".effective").textContent())
      .toContain("openai_compatible · local-model");
    // The stored key is described, never shown: not in the field, not anywhere in the page.
    expect(await llm.getByLabel("API key", { exact: true }).inputValue()).toBe("");
    expect(await llm.textContent()).toContain("ends in 4242");
    expect(await page.content()).not.toContain(FAKE_KEY);
    // The model picker lists the provider's live models.
    await expect
      .poll(() => llm.locator("datalist option").evaluateAll((options) => options.length))
      .toBeGreaterThan(1);

    // Verifying again without typing the key uses the stored one.
    await llm.getByRole("button", { name: "Verify key" }).click();
    await eventually(() => llm.locator(".result").textContent()).toMatch(/^Key works/);
    await axeScan("preferences");
    await shot("preferences");
  });

  it("exports YAML, previews an import's changes, then applies them", async () => {
    await page.getByRole("button", { name: "Export YAML" }).click();
    const yaml = page.getByLabel("YAML", { exact: true });
    await eventually(() => yaml.inputValue()).toContain("openai_compatible");
    const exported = await yaml.inputValue();
    expect(exported).not.toContain(FAKE_KEY);
    await yaml.fill(exported.replace("model: local-model", "model: local-model-2"));

    await page.getByRole("button", { name: "Preview changes" }).click();
    const diff = page.getByRole("region", { name: "Changes the import would make" });
    await eventually(() => diff.count()).toBe(1);
    const row = await diff.locator("tbody tr").allTextContents();
    expect(row).toEqual(["llmmodellocal-modellocal-model-2"]);
    // Nothing changed yet.
    await eventually(() => section("llm").locator(".effective").textContent()).toContain("· local-model (");
    await axeScan("preferences-import-diff");
    await shot("preferences-import-diff");

    await page.getByRole("button", { name: "Apply 1 change(s)" }).click();
    await expectStatus("Preferences imported");
    await expect
      .poll(() => section("llm").locator(".effective").textContent())
      .toContain("· local-model-2 (");
    // The stored key survived the round trip (the export masks it).
    expect(await section("llm").textContent()).toContain("ends in 4242");
  });

  it("lists my sessions with device and address, and ends another one", async () => {
    const other = await tokenFor(ADMIN.username, ADMIN.password);
    await open("My sessions");
    const table = page.getByRole("region", { name: "Your sessions" });
    await eventually(() => table.getByText("This session").count()).toBe(1);
    expect(await table.textContent()).toContain("Chrome on Linux");
    const endButtons = table.getByRole("button", { name: /^End session on/ });
    expect(await endButtons.count()).toBeGreaterThan(0);
    await axeScan("sessions");
    await shot("sessions");
    // End every session but this one, then check the other token is refused and ours still works.
    await page.getByRole("button", { name: "End all other sessions" }).click();
    await expectStatus(/^Ended \d+ other session/);
    expect((await api("/users/me", {}, other)).status).toBe(401);
    await eventually(() => endButtons.count()).toBe(0);
  });

  it("lets an administrator change a user's role and end the user's sessions", async () => {
    const admin = await tokenFor(ADMIN.username, ADMIN.password);
    const created = await api(
      "/users/admin/users",
      {
        method: "POST",
        body: JSON.stringify({ username: "carol", password: "carol-long-password", display_name: "Carol" }),
      },
      admin,
    );
    expect(created.status).toBe(201);
    const carol = await tokenFor("carol", "carol-long-password");
    expect((await api("/users/me", {}, carol)).status).toBe(200);

    await open("Users");
    await page.getByLabel("Search", { exact: true }).fill("carol");
    await page.getByRole("button", { name: "Search", exact: true }).click();
    await page.getByRole("button", { name: "Manage carol" }).click();
    await eventually(() => page.getByRole("heading", { name: "Manage carol" }).count()).toBe(1);
    await axeScan("users");
    await shot("users");

    await page.getByLabel("Role", { exact: true }).last().selectOption("admin");
    await page.getByRole("button", { name: "Set role" }).click();
    await expectStatus("Role changed");
    const me: unknown = await (await api("/users/me", {}, carol)).json();
    expect(me).toMatchObject({ username: "carol", role: "admin" });

    await page.getByRole("button", { name: "End all sessions" }).click();
    await expectStatus(/^Ended 1 session/);
    expect((await api("/users/me", {}, carol)).status).toBe(401);
  });

  it("edits a group's policy, refusing a provider the catalog does not have", async () => {
    await open("Groups");
    const form = page.locator("form", { has: page.getByRole("heading", { name: /^ungrouped/ }) });
    const policy = form.getByLabel("Policy (JSON)");
    await policy.fill('{"llm":{"allowed_providers":["openai","no_such_provider"]}}');
    await form.getByRole("button", { name: "Save group" }).click();
    await expect
      .poll(() => form.locator(".problems").textContent())
      .toContain('unknown provider "no_such_provider"');
    await policy.fill('{"llm":{"allowed_providers":["openai","openai_compatible"]}}');
    await form.getByRole("button", { name: "Save group" }).click();
    await expectStatus("Group ungrouped saved");
    await axeScan("groups");
    await shot("groups");
  });

  it("shows the audit log, filtered by action", async () => {
    await open("Audit log");
    await page.getByLabel("Action", { exact: true }).fill("admin.role_changed");
    await page.getByRole("button", { name: "Filter" }).click();
    const table = page.getByRole("region", { name: "Audit entries, newest first" });
    await eventually(() => table.locator("tbody tr").count()).toBe(1);
    expect(await table.textContent()).toContain("admin.role_changed");
    await axeScan("audit");
    await shot("audit");
  });

  it("fits a phone-width screen without sideways scrolling", async () => {
    await page.setViewportSize({ width: 375, height: 800 });
    const screens: [string, () => Locator][] = [
      ["Preferences", () => section("stt")],
      ["My sessions", () => page.getByRole("region", { name: "Your sessions" })],
      ["Users", () => page.getByRole("region", { name: "Users" })],
      ["Audit log", () => page.getByRole("region", { name: "Audit entries, newest first" })],
    ];
    for (const [screen, content] of screens) {
      await open(screen);
      await eventually(() => content().count()).toBe(1);
      const overflow = await page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth",
      );
      expect(overflow, screen).toBe(0);
    }
    await open("Preferences");
    await eventually(() => section("llm").count()).toBe(1);
    await shot("preferences-phone");
    await axeScan("preferences-phone");
  });

  it("serves the API reference without any CDN: Swagger UI renders the Worker's own document", async () => {
    const outside: string[] = [];
    page.on("request", (req) => {
      if (!req.url().startsWith(worker.url)) outside.push(req.url());
    });
    await page.setViewportSize({ width: 1200, height: 900 });
    await page.goto(`${worker.url}/api/v1/docs`);
    await eventually(() => page.getByText("Edge Users API").count()).toBeGreaterThan(0);
    await eventually(() => page.locator(".opblock").count()).toBeGreaterThan(20);
    expect(outside).toEqual([]);
    await shot("api-reference");
  });
});
