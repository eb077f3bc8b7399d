import { test, expect } from "@playwright/test";

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
