import { test, expect } from "@playwright/test";
import { createHash } from "node:crypto";
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

test("a page's inline scripts run by its own nonce or their hashes, and an injected script does not run", async ({ page, request }) => {
  // No page's policy allows 'unsafe-inline' scripts. A page rendered for this
  // response names a fresh nonce that each inline script carries; a public page
  // served from memory names each inline script's SHA-256 instead.
  const trackNonces: string[] = [];
  for (const path of ["/", "/services/HLT-0001", "/services/HLT-0001/apply", "/track", "/m", "/admin/login", "/track"]) {
    const response = await request.get(path);
    const policy = response.headers()["content-security-policy"];
    const scriptSrc = /script-src ([^;]*)/.exec(policy)?.[1] ?? "";
    expect(scriptSrc, path).not.toContain("unsafe-inline");
    const html = await response.text();
    const inline = [...html.matchAll(/<script(?![^>]*\bsrc=)([^>]*)>([^<]*)<\/script>/g)];
    expect(inline.length, `${path} has Leptos's inline scripts`).toBeGreaterThan(0);
    const nonce = /'nonce-([\w-]+)'/.exec(scriptSrc)?.[1];
    if (path === "/track") trackNonces.push(nonce ?? "");
    if (nonce) {
      for (const [, attributes] of inline) expect(attributes, path).toContain(`nonce="${nonce}"`);
    } else {
      for (const [, , body] of inline) {
        const hash = createHash("sha256").update(body, "utf8").digest("base64");
        expect(scriptSrc, `${path}: the hash of ${body.slice(0, 40)}`).toContain(`'sha256-${hash}'`);
      }
    }
  }
  // The lookup is rendered per response, each time with a new nonce.
  expect(trackNonces[0], "the lookup has a nonce").toBeTruthy();
  expect(trackNonces[1], "a new nonce per response").not.toBe(trackNonces[0]);
  // A script injected into a page (as a stored answer would be, if it were ever
  // written out unescaped) is refused, and the browser says so.
  await page.goto("/services/HLT-0001");
  const refused = page.evaluate(
    () => new Promise<string>((resolve) => document.addEventListener("securitypolicyviolation", (e) => resolve(e.violatedDirective), { once: true })),
  );
  await page.evaluate(() => {
    const s = document.createElement("script");
    s.textContent = "/*csp-probe*/ window.__injected = true;";
    document.body.append(s);
  });
  expect(await refused).toBe("script-src-elem");
  expect(await page.evaluate(() => (window as unknown as { __injected?: boolean }).__injected)).toBeUndefined();
});

test("an unknown page is a 404 with the portal's own page", async ({ page }) => {
  const response = await page.goto("/no-such-page");
  expect(response?.status()).toBe(404);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("页面不存在");
});

test("client code and stylesheet go by content-hashed names, kept for a year", async ({ request }) => {
  const html = await (await request.get("/services/HLT-0001/apply")).text();
  const stylesheet = /<link rel="stylesheet" href="(\/assets\/portal\.[0-9a-f]{10}\.css)"/.exec(html)?.[1];
  const loader = /<script type="module" src="(\/assets\/islands\.[0-9a-f]{10}\.js)"/.exec(html)?.[1];
  expect(stylesheet, "the page names the hashed stylesheet").toBeTruthy();
  expect(loader, "the page names the hashed island loader").toBeTruthy();
  const loaderCode = await (await request.get(loader!)).text();
  // The loader imports the hashed client code, not the plain names.
  const client = /"(\/assets\/portal\.[0-9a-f]{10}\.js)"/.exec(loaderCode)?.[1];
  const wasm = /"(\/assets\/portal\.[0-9a-f]{10}\.wasm)"/.exec(loaderCode)?.[1];
  expect(client && wasm, loaderCode).toBeTruthy();
  for (const path of [stylesheet!, loader!, client!, wasm!]) {
    const response = await request.get(path, { headers: { "Accept-Encoding": "br" } });
    expect(response.status(), path).toBe(200);
    expect(response.headers()["cache-control"], path).toBe("public, max-age=31536000, immutable");
  }
  expect((await request.get(wasm!, { headers: { "Accept-Encoding": "br" } })).headers()["content-encoding"]).toBe("br");
  // A name that is not this build's is not served.
  expect((await request.get("/assets/portal.0000000000.wasm")).status()).toBe(404);
});

test("a page without an island loads no client code; a page with one loads it and wakes it", async ({ page }) => {
  const clientCode: string[] = [];
  page.on("request", (r) => {
    const path = new URL(r.url()).pathname;
    const hashed = /^\/assets\/(portal)\.[0-9a-f]{10}\.(js|wasm)$/.exec(path);
    if (hashed) clientCode.push(`${hashed[1]}.${hashed[2]}`);
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
  await expect.poll(() => clientCode.slice().sort()).toEqual(["portal.js", "portal.wasm"]);
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
