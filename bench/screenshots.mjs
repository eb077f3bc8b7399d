// Screenshots of every citizen page, desktop (1,366 px) and phone (360 px), for a
// person to look at: home, catalog, guide, the three application steps, receipt,
// lookup with a result, licence check, and the handheld pages. Needs a running
// portal with demo data (PORTAL_URL, default http://127.0.0.1:3100) and Debian's
// fonts-noto-cjk (bench/screenshots installs it). Writes OUT (default
// bench/out/screenshots)/<page>-<width>.png and prints each path.
import { chromium } from "@playwright/test";
import { mkdirSync } from "node:fs";

const base = process.env.PORTAL_URL ?? "http://127.0.0.1:3100";
const out = process.env.OUT ?? "bench/out/screenshots";
mkdirSync(out, { recursive: true });
const pdf = Buffer.from("%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n", "latin1");

const browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: ["--no-sandbox", "--headless"] });

// One application, made through the pages, for the steps that need one.
// (Without JavaScript: plain forms, nothing to wait for.)
const page = await browser.newPage({ locale: "zh-CN", javaScriptEnabled: false });
await page.goto(`${base}/services/HLT-0001/apply`);
const answers = {
  applicant_name: "截图示例", applicant_id_number: "350102199003071234", applicant_phone: "13800138000",
  spouse_name: "截图配偶", spouse_id_number: "440308199901010012", marriage_date: "2018-05-20",
};
for (const [name, value] of Object.entries(answers)) await page.fill(`#field-${name}`, value);
await page.selectOption("#field-child_order", "second");
await page.locator("form button[type=submit]").last().click();
await page.waitForURL(/\/materials/);
const materials = page.url();
await page.setInputFiles("#file-spouses_identity", { name: "身份证.pdf", mimeType: "application/pdf", buffer: pdf });
await page.locator("#material-spouses_identity form button[type=submit]").click();
await page.waitForURL(/uploaded=/);
const check = materials.replace(/\/materials.*$/, "/check");
await page.goto(check);
await page.locator('form[action$="/submit"] button[type=submit]').click();
await page.waitForURL(/\/receipt\//);
const receipt = page.url();
const tracking = receipt.split("/receipt/")[1];
await page.close();

const pages = [
  ["home", "/"], ["catalog", "/services?q=sydj"], ["guide", "/services/HLT-0001"],
  ["answers", "/services/HLT-0001/apply"], ["materials", new URL(materials).pathname], ["check", new URL(check).pathname],
  ["receipt", new URL(receipt).pathname], ["track", `/track?number=${tracking}&phone=8000`],
  ["verify", "/verify/AAAAAAAAAAAAAAAAAAAA"], ["not-found", "/no-such-page"],
  ["m-home", "/m"], ["m-catalog", "/m/services?q=sydj"], ["m-guide", "/m/services/HLT-0001"],
  ["m-track", `/m/track?number=${tracking}&phone=8000`], ["m-me", "/m/me"],
];
for (const [width, height] of [[1366, 900], [360, 780]]) {
  const context = await browser.newContext({ viewport: { width, height }, locale: "zh-CN", deviceScaleFactor: 1 });
  const shot = await context.newPage();
  for (const [name, path] of pages) {
    await shot.goto(base + path);
    await shot.waitForLoadState("networkidle");
    const file = `${out}/${name}-${width}.png`;
    await shot.screenshot({ path: file, fullPage: true });
    console.log(file);
  }
  await context.close();
}
await browser.close();
