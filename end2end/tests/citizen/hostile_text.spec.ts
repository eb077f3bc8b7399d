/**
 * Hostile text (issue 15): script tags, attribute breakers, SQL, a right-to-left
 * override and emoji typed as answers are stored verbatim and shown as text on
 * every page that shows them (check page, receipt, clerk's queue and case page):
 * nothing runs, no element is injected, nothing is lost.
 */
import { test, expect, type Page } from "@playwright/test";
import {
  STAFF,
  VALID_IDS,
  answerItem,
  continueToCheck,
  findCase,
  loginAs,
  logout,
  pdfFile,
  submitFromCheck,
  uniquePhone,
  uploadMaterial,
  zh,
} from "../helpers";

const NAME = `"><img src=x onerror=__p=1>`; // the name field takes 30 characters
const ADDRESS = `东街1号'); DROP TABLE cases;--\u202E😀`;
const REASON = `<script>window.__p=1</script> 家中困难，请审核 & "核实" <b id=injected>加粗</b>`;

async function expectShownAsText(page: Page, where: string, texts: string[]): Promise<void> {
  for (const text of texts) {
    await expect(page.getByText(text, { exact: false }).first(), `${where}: ${text}`).toBeVisible();
  }
  expect(await page.locator('img[src="x"], #injected').count(), `${where}: no injected element`).toBe(0);
  expect(await page.evaluate(() => (window as unknown as { __p?: number }).__p), `${where}: nothing ran`).toBeUndefined();
}

test("hostile answers are kept verbatim and shown as text everywhere", async ({ page, browser }) => {
  const dialogs: string[] = [];
  const watch = (p: Page) =>
    p.on("dialog", (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
  watch(page);
  await answerItem(page, "CIV-0001", {
    applicant_name: NAME,
    applicant_id_number: VALID_IDS[0],
    applicant_phone: uniquePhone(),
    home_address: ADDRESS,
    marital_status: "unmarried",
    household_monthly_income: "900",
    reason: REASON,
  });
  await uploadMaterial(page, "application_and_authorisation", pdfFile("申请书.pdf"));
  await uploadMaterial(page, "household_register", pdfFile("户口簿.pdf"));
  await continueToCheck(page);
  await expectShownAsText(page, "check page", [NAME, ADDRESS, REASON]);
  const tracking = await submitFromCheck(page);
  await expectShownAsText(page, "receipt", [NAME]);

  const staff = await (await browser.newContext({ baseURL: test.info().project.use.baseURL, locale: "zh-CN" })).newPage();
  watch(staff);
  await loginAs(staff, STAFF.window);
  await findCase(staff, zh.admin.tab_intake, tracking);
  await expectShownAsText(staff, "clerk's case page", [NAME, ADDRESS, REASON]);
  await logout(staff);
  expect(dialogs).toEqual([]);
});
