// Draws the app icons of the handheld version from public/favicon.svg with the
// system Chromium: public/icons/icon-192.png, icon-512.png (rounded, "any") and
// icon-maskable-512.png (full bleed, the glyph inside the 80 % safe zone).
// Run after changing the favicon:  node scripts/make-icons.mjs
import { chromium } from "@playwright/test";
import { readFileSync } from "node:fs";
import { resolve, dirname } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const svg = readFileSync(resolve(root, "public/favicon.svg"), "utf8");
const glyph = svg.replace(/<rect[^>]*\/>/, "").replace(/<svg[^>]*>/, "").replace("</svg>", "");
const maskable = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><rect width="32" height="32" fill="#991b1b"/><g transform="translate(4.8 4.8) scale(0.7)">${glyph}</g></svg>`;
const browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: ["--no-sandbox", "--headless"] });
for (const [file, size, source] of [["icon-192.png", 192, svg], ["icon-512.png", 512, svg], ["icon-maskable-512.png", 512, maskable]]) {
  const page = await browser.newPage({ viewport: { width: size, height: size } });
  const src = `data:image/svg+xml;base64,${Buffer.from(source).toString("base64")}`;
  await page.setContent(`<html><body style="margin:0;background:transparent"><img src="${src}" width="${size}" height="${size}" style="display:block"></body></html>`);
  await page.screenshot({ path: resolve(root, "public/icons", file), omitBackground: true });
  await page.close();
}
await browser.close();
