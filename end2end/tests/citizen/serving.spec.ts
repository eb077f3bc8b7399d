import { test, expect } from "@playwright/test";
import { compactTracking, submitApplication, uniqueName, unknownButWellFormed } from "../helpers";

// How pages and client code are served: compressed for slow phones, with the
// headers that keep the pages from being framed or sniffed.

test("the client code is sent as the build's brotli copy", async ({ request }) => {
  for (const [path, type] of [
    ["/pkg/portal.wasm", "application/wasm"],
    ["/pkg/portal.js", "text/javascript"],
  ]) {
    const response = await request.get(path, { headers: { "Accept-Encoding": "br" } });
    expect(response.status(), path).toBe(200);
    expect(response.headers()["content-encoding"], path).toBe("br");
    expect(response.headers()["content-type"], path).toContain(type);
  }
});

test("pages carry security headers", async ({ request }) => {
  const response = await request.get("/");
  expect(response.status()).toBe(200);
  const h = response.headers();
  expect(h["x-frame-options"]).toBe("DENY");
  expect(h["x-content-type-options"]).toBe("nosniff");
  expect(h["content-security-policy"]).toContain("frame-ancestors 'none'");
  expect(h["content-security-policy"]).toContain("object-src 'none'");
});

test("an unknown page is a 404 with the portal's own page", async ({ page }) => {
  const response = await page.goto("/no-such-page");
  expect(response?.status()).toBe(404);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("页面不存在");
});

test("a page without an island loads no client code; a page with one loads it and wakes it", async ({ page }) => {
  const clientCode: string[] = [];
  page.on("request", (r) => {
    const path = new URL(r.url()).pathname;
    if (path.startsWith("/pkg/") && !path.endsWith(".css")) clientCode.push(path);
  });
  // The guide, the lookup and the licence check have no island.
  for (const path of ["/services/HLT-0001", "/track", "/verify/AAAAAAAAAAAAAAAAAAAA"]) {
    clientCode.length = 0;
    await page.goto(path);
    await page.waitForLoadState("networkidle");
    expect(await page.locator("leptos-island").count(), `${path} has no island`).toBe(0);
    expect(clientCode, `client code fetched by ${path}`).toEqual([]);
  }
  // The application form is an island: its code comes, and it wakes (checks a date).
  clientCode.length = 0;
  await page.goto("/services/HLT-0001/apply");
  await expect(page.locator("leptos-island").first()).toBeAttached();
  await expect.poll(() => clientCode.slice().sort()).toEqual(["/pkg/portal.js", "/pkg/portal.wasm"]);
  const date = page.locator("#field-marriage_date");
  await expect(async () => {
    await date.fill("2999-01-01");
    await date.blur();
    await expect(page.locator("#field-marriage_date-error")).toBeVisible({ timeout: 1_000 });
  }).toPass({ timeout: 30_000 });
});

test("someone else's receipt answers exactly like a receipt that does not exist", async ({ page, browser }) => {
  const shown = await submitApplication(page, uniqueName("回执"));
  const tracking = compactTracking(shown);
  const stranger = await (await browser.newContext({ baseURL: test.info().project.use.baseURL, locale: "zh-CN" })).newPage();
  const theirs = await stranger.goto(`/receipt/${tracking}`);
  const theirsHeading = await stranger.getByRole("heading", { level: 1 }).innerText();
  const none = await stranger.goto(`/receipt/${unknownButWellFormed(shown)}`);
  const noneHeading = await stranger.getByRole("heading", { level: 1 }).innerText();
  expect(theirs?.status()).toBe(404);
  expect(none?.status()).toBe(404);
  expect(theirsHeading).toBe(noneHeading);
  // The applicant's own browser still has it.
  expect((await page.goto(`/receipt/${tracking}`))?.status()).toBe(200);
});
