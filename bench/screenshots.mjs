// Screenshots of every citizen page, desktop (1,366 px) and phone (360 px), for a
// person to look at: home, catalog, guide, the three application steps, receipt,
// lookup with a result, licence check, sign-in and the account, and the handheld
// pages (one question per screen included). Needs a running
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

// Two applications made through the pages (without JavaScript: plain forms,
// nothing to wait for): one left at the check step, one submitted. The shots are
// taken with this applicant's cookies, which own the drafts.
const maker = await browser.newContext({ locale: "zh-CN", javaScriptEnabled: false });
const page = await maker.newPage();
async function apply(submit) {
  await page.goto(`${base}/services/HLT-0001/apply`);
  const answers = {
    applicant_name: "截图示例", applicant_id_number: "350102199003071234", applicant_phone: "13800138000",
    spouse_name: "截图配偶", spouse_id_number: "440308199901010012", marriage_date: "2018-05-20",
  };
  for (const [name, value] of Object.entries(answers)) await page.fill(`#field-${name}`, value);
  await page.selectOption("#field-child_order", "second");
  await page.locator("form button[type=submit]").last().click();
  await page.waitForURL(/\/materials/);
  const materials = new URL(page.url()).pathname;
  await page.setInputFiles("#file-spouses_identity", { name: "身份证.pdf", mimeType: "application/pdf", buffer: pdf });
  await page.locator("#material-spouses_identity form button[type=submit]").click();
  await page.waitForURL(/uploaded=/);
  const check = materials.replace(/\/materials$/, "/check");
  if (!submit) return { materials, check };
  await page.goto(base + check);
  await page.locator('form[action$="/submit"] button[type=submit]').click();
  await page.waitForURL(/\/receipt\//);
  return { receipt: new URL(page.url()).pathname };
}
const { materials, check } = await apply(false);
const { receipt } = await apply(true);
const tracking = receipt.split("/receipt/")[1];
const cookies = await maker.cookies();

// The same applicant signed in by code (read from the demo message box), for the
// account pages: the case above is theirs to claim.
await page.goto(`${base}/m/me`);
await page.fill("#phone", "13800138000");
await page.locator("form button[type=submit]").first().click();
await page.waitForURL(/sent=1/);
const back = page.url();
await page.goto(`${base}/demo/messages`);
const code = /(\d{6})/.exec((await page.locator("[data-testid=demo-messages] li").first().innerText()).replace("13800138000", ""))[1];
await page.goto(back);
await page.fill("#code", code);
await page.locator('form[action$="/sign-in"] button[type=submit]').click();
await page.waitForURL(/\/m\/me$/);
const signedIn = (await maker.cookies()).filter((c) => c.name === "portal_citizen");
await maker.close();

const pages = [
  ["home", "/"], ["catalog", "/services?q=sydj"], ["guide", "/services/HLT-0001"],
  ["answers", "/services/HLT-0001/apply"], ["materials", materials], ["check", check], ["receipt", receipt], ["track", `/track?number=${tracking}&phone=8000`],
  ["verify", "/verify/AAAAAAAAAAAAAAAAAAAA"], ["me", "/me"], ["me-code", "/me?phone=13800138000&sent=1"], ["not-found", "/no-such-page"],
  ["m-home", "/m"], ["m-catalog", "/m/services?q=sydj"], ["m-guide", "/m/services/HLT-0001"],
  ["m-track", `/m/track?number=${tracking}&phone=8000`], ["m-me", "/m/me"], ["m-me-code", "/m/me?phone=13800138000&sent=1&error=code_wrong&left=3"],
  ["m-question", "/m/services/HLT-0001/apply?q=2"], ["demo-messages", "/demo/messages"],
  // Signed in from here on.
  ["me-signed-in", "/me"], ["m-me-signed-in", "/m/me"],
];
for (const [width, height] of [[1366, 900], [360, 780]]) {
  const context = await browser.newContext({ viewport: { width, height }, locale: "zh-CN", deviceScaleFactor: 1 });
  await context.addCookies(cookies);
  const shot = await context.newPage();
  for (const [name, path] of pages) {
    if (name === "me-signed-in") await context.addCookies(signedIn);
    await shot.goto(base + path);
    await shot.waitForLoadState("networkidle");
    const file = `${out}/${name}-${width}.png`;
    await shot.screenshot({ path: file, fullPage: true });
    const wide = await shot.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    console.log(wide > 0 ? `${file}  WIDER THAN THE SCREEN by ${wide} px` : file);
  }
  await context.close();
}
await browser.close();
