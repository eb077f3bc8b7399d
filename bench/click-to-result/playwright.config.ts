import { defineConfig, devices } from "@playwright/test";

/**
 * Not a test: the click-to-result measurement of instant approval (秒批) on the
 * phone profile, run by `bench/run` against a portal with demo data at
 * PORTAL_BENCH_URL. It prints its figures; it asserts only that the flow works.
 */
export default defineConfig({
  testDir: ".",
  testMatch: /.*\.bench\.ts$/,
  workers: 1,
  retries: 0,
  timeout: 300_000,
  expect: { timeout: 15_000 },
  reporter: [["line"]],
  outputDir: "/tmp/portal-click-to-result",
  use: {
    baseURL: process.env.PORTAL_BENCH_URL ?? "http://127.0.0.1:3202",
    locale: "zh-CN",
    ...devices["Pixel 7"],
    launchOptions: { executablePath: "/usr/bin/chromium", args: ["--headless", "--no-sandbox", "--disable-gpu"] },
  },
});
