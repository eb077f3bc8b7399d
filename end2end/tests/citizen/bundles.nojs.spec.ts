/**
 * 一件事一次办 (bundles) with JavaScript off (project desktop-nojs): the combined
 * form is checked by the server with the same messages, documents are plain
 * multipart posts, and the receipt is this browser's alone: another browser gets
 * the page a bundle that does not exist gets.
 */
import { test, expect } from "@playwright/test";
import {
  lookUp,
  BUNDLE_CHECK_URL,
  BUNDLE_MATERIALS_URL,
  BUNDLE_RECEIPT_URL,
  SHOWN_TRACKING,
  VALID_IDS,
  bundleDocuments,
  bundlePart,
  bundleQuestions,
  continueFromAnswers,
  errorSummary,
  fieldError,
  fill,
  materialStatus,
  pdfFile,
  readBundle,
  readCatalogItem,
  uniqueName,
  uniquePhone,
  unknownButWellFormed,
  uploadMaterial,
  uploadedText,
  zh,
} from "../helpers";

const RETIREMENT = readBundle("BND-0002");
const CLEAN_EMPLOYER = "91350102MA0000C1DY";

test("without JavaScript: retiring in one go, the server checks the combined form, and the receipt is this browser's alone", async ({ page, browser }) => {
  test.slow();
  const bundle = RETIREMENT;
  const questions = bundleQuestions(bundle);
  const docs = bundleDocuments(bundle);
  const retiree = uniqueName("退休");
  const phone = uniquePhone();

  await page.goto(`/bundles/${bundle.code}`);
  await expect(page.getByRole("heading", { level: 1, name: bundle.name })).toBeVisible();
  await page.getByRole("link", { name: zh.bundle.apply, exact: true }).click();
  await expect(page).toHaveURL(new RegExp(`/bundles/${bundle.code}/apply$`));
  // The island never wakes: the form is the server's plain form.
  await expect(page.locator("form[data-hydrated]")).toHaveCount(0);

  // --- Empty: the server sends the form back with every problem -----------------------------
  await continueFromAnswers(page);
  await expect(page).toHaveURL(new RegExp(`/bundles/${bundle.code}/apply\\?draft=[^&#]+`));
  const summary = errorSummary(page, zh.apply.error_summary_title);
  await expect(summary).toBeVisible();
  const required = questions.filter((q) => q.required);
  expect(required.length).toBeGreaterThan(0);
  await expect(summary.getByRole("link")).toHaveCount(required.length);
  for (const q of required) {
    await expect(summary.getByRole("link", { name: `${q.label}: ${zh.errors.required}`, exact: true })).toHaveAttribute("href", `#field-${q.name}`);
    await expect(fieldError(page, q.name)).toHaveText(zh.errors.required);
    await expect(page.locator(`#field-${q.name}`)).toHaveAttribute("aria-invalid", "true");
  }

  // --- Fixed: on to the documents ---------------------------------------------------------------
  const answers: Record<string, string> = {
    applicant_name: retiree,
    applicant_id_number: VALID_IDS[2], // (VALID_IDS[0] is on the demo black list)
    applicant_phone: phone,
    retirement_date: "2026-01-01",
    last_employer_credit_code: CLEAN_EMPLOYER,
    bank_account: "6222021234567890123",
    medical_insurance_years: "30",
  };
  expect(Object.keys(answers).sort()).toEqual(questions.map((q) => q.name).sort());
  for (const q of questions) await page.locator(`#field-${q.name}`).fill(answers[q.name]);
  await continueFromAnswers(page);
  await expect(page).toHaveURL(BUNDLE_MATERIALS_URL);
  await expect(page.getByRole("heading", { level: 1, name: zh.bundle.materials_title })).toBeVisible();

  // --- Each document once, as a plain multipart form ----------------------------------------------
  await expect(page.locator('li[id^="material-"]')).toHaveCount(docs.length);
  const shared = docs.filter((d) => d.parts.length > 1);
  expect(shared.length, "the retirement bundle shares documents between its parts").toBeGreaterThan(0);
  for (const d of shared) {
    await expect(page.locator(`#material-${d.key}`)).toContainText(fill(zh.bundle.for_parts, { parts: d.parts.map((s) => readCatalogItem(s).name).join("、") }));
  }
  for (const d of docs.filter((x) => x.required)) {
    const file = pdfFile(`${d.key}.pdf`);
    await uploadMaterial(page, d.key, file);
    await expect(materialStatus(page, d.key)).toHaveText(uploadedText(file));
    await expect(page.getByRole("status").filter({ hasText: zh.materials.saved })).toBeVisible();
  }

  // --- Check, submit ------------------------------------------------------------------------------
  await page.getByRole("link", { name: zh.bundle.to_check, exact: true }).click();
  await expect(page).toHaveURL(BUNDLE_CHECK_URL);
  await expect(errorSummary(page, zh.check.problems_title)).toHaveCount(0);
  await expect(page.getByTestId("bundle-parts").getByRole("listitem")).toHaveCount(bundle.parts.length);
  await page.getByRole("button", { name: zh.bundle.submit, exact: true }).click();
  await expect(page).toHaveURL(BUNDLE_RECEIPT_URL);
  const number = (await page.getByTestId("bundle-number").innerText()).trim();
  expect(number).toMatch(SHOWN_TRACKING);
  const receiptPath = new URL(page.url()).pathname;

  await expect(page.locator('li[data-testid^="part-"]')).toHaveCount(bundle.parts.length);
  const partNumbers: string[] = [];
  for (const p of bundle.parts) {
    await expect(bundlePart(page, p.service)).toHaveAttribute("data-state", "submitted");
    const n = bundlePart(page, p.service).getByTestId("part-number");
    await expect(n).toHaveText(SHOWN_TRACKING);
    partNumbers.push((await n.innerText()).trim());
  }
  expect(new Set([number, ...partNumbers]).size).toBe(bundle.parts.length + 1);
  await expect(page.getByTestId("bundle-progress")).toHaveAttribute("data-complete", "false");
  await expect(page.getByText(retiree)).toHaveCount(1);

  // --- Another browser: the same address answers like a bundle that does not exist ------------------
  const other = await (await browser.newContext({ baseURL: test.info().project.use.baseURL, locale: "zh-CN", javaScriptEnabled: false })).newPage();
  const theirs = await other.goto(receiptPath);
  expect(theirs?.status()).toBe(404);
  await expect(other.getByRole("heading", { level: 1, name: zh.common.not_found_title })).toBeVisible();
  await expect(other.getByText(retiree)).toHaveCount(0);
  await expect(other.getByTestId("bundle-number")).toHaveCount(0);
  const nobodys = await other.goto(`/bundle-receipt/${unknownButWellFormed(number)}`);
  expect(nobodys?.status()).toBe(404);
  await expect(other.getByRole("heading", { level: 1, name: zh.common.not_found_title })).toBeVisible();

  // --- The lookup: the bundle's number and the phone's last four digits show every part --------------
  await lookUp(other, number, phone.slice(-4));
  await expect(other.getByTestId("bundle-lookup").getByTestId("bundle-number")).toHaveText(number);
  await expect(other.locator('li[data-testid^="part-"]')).toHaveCount(bundle.parts.length);
  for (const [i, p] of bundle.parts.entries()) {
    await expect(bundlePart(other, p.service)).toHaveAttribute("data-state", "submitted");
    await expect(bundlePart(other, p.service).getByTestId("part-number")).toHaveText(partNumbers[i]);
  }
  // Each part opens on the same proof.
  await bundlePart(other, bundle.parts[0].service).getByRole("link").click();
  await expect(other.getByRole("heading", { name: zh.track.result_title })).toBeVisible();
  // Wrong digits: nothing, exactly as for a number nobody has.
  await lookUp(other, number, "0000" === phone.slice(-4) ? "1111" : "0000");
  await expect(other.getByTestId("bundle-lookup")).toHaveCount(0);
  await expect(other.getByText(zh.track.not_found)).toBeVisible();
  await other.context().close();

  // The applicant's own browser still has it.
  const mine = await page.goto(receiptPath);
  expect(mine?.status()).toBe(200);
  await expect(page.getByTestId("bundle-number")).toHaveText(number);
});
