import { defineConfig, devices } from "@playwright/test";

/**
 * End-to-end tests of the portal. They expect a running server (built and
 * started by someone else, e.g. `cargo leptos end-to-end` or by hand) at
 * PORTAL_E2E_URL, with demo staff accounts (PORTAL_DEMO_DATA=true).
 *
 *   npx playwright test --config end2end/playwright.config.ts
 *
 * Specs named `*.nojs.spec.ts` run with JavaScript off (project desktop-nojs);
 * specs named `*.phone.spec.ts` run on a phone (project phone); every other
 * spec runs with JavaScript on (project desktop).
 */

const baseURL = process.env.PORTAL_E2E_URL ?? "http://127.0.0.1:3100";

/** The Chromium of the system: Playwright's own browser download is not available here. */
const launchOptions = {
  executablePath: "/usr/bin/chromium",
  args: [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
  ],
};

const NOJS_SPEC = /.*\.nojs\.spec\.ts$/;
/** Specs named `*.phone.spec.ts` run on a phone (Pixel 7's touch and pixel ratio, 360 px wide). */
const PHONE_SPEC = /.*\.phone\.spec\.ts$/;

export default defineConfig({
  testDir: "./tests",
  globalSetup: "./global-setup.ts",
  // One server, one lookup/login throttle, one queue: run one test at a time.
  fullyParallel: false,
  workers: 1,
  retries: 0,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  reporter: [["list"]],
  outputDir: "./test-results",
  use: {
    baseURL,
    locale: "zh-CN",
    trace: "off",
  },
  projects: [
    {
      name: "desktop",
      testMatch: /.*\.spec\.ts$/,
      testIgnore: [NOJS_SPEC, PHONE_SPEC],
      use: {
        ...devices["Desktop Chrome"],
        javaScriptEnabled: true,
        launchOptions,
      },
    },
    {
      name: "phone",
      testMatch: PHONE_SPEC,
      use: {
        ...devices["Pixel 7"],
        // The narrowest phones still sold: what the handheld pages must fit.
        viewport: { width: 360, height: 780 },
        javaScriptEnabled: true,
        launchOptions,
      },
    },
    {
      name: "desktop-nojs",
      testMatch: NOJS_SPEC,
      use: {
        ...devices["Desktop Chrome"],
        javaScriptEnabled: false,
        launchOptions,
      },
    },
  ],
});
