/**
 * Applying with JavaScript off (project desktop-nojs): every step is a plain
 * HTML form, the server validates and answers with the same messages the
 * browser-side check shows, uploads are multipart posts, and the progress
 * lookup is a GET form.
 */
import { test, expect } from "@playwright/test";
import {
  APPLY_PATH,
  CHECK_URL,
  HLT,
  ID_WITH_WRONG_CHECK_DIGIT,
  MATERIALS_URL,
  MOBILE_LAST_FOUR,
  RECEIPT_URL,
  continueFromAnswers,
  errorSummary,
  fakePdfFile,
  field,
  fieldError,
  fillHltForm,
  hltItem,
  hltLabel,
  hltRequiredFields,
  hltRequiredMaterials,
  lookUp,
  lookupTimeline,
  materialStatus,
  pdfFile,
  pngFile,
  submitFromCheck,
  uniqueName,
  uploadMaterial,
  uploadedText,
  validHltAnswers,
  zh,
} from "../helpers";

test.describe("applying without JavaScript", () => {
  // First, so that the successful lookup of the next test clears the failures
  // this one records in the lookup throttle.
  test("the progress lookup tells a typo and an unknown case apart without JavaScript", async ({ page }) => {
    // Well-formed but unknown (sequence 999999 of an old day; check character right).
    await lookUp(page, "350102-20000101-999999-5", MOBILE_LAST_FOUR);
    await expect(errorSummary(page, zh.track.error_title)).toContainText(zh.track.not_found);
    // The same number with its check character changed.
    await lookUp(page, "350102-20000101-999999-4", MOBILE_LAST_FOUR);
    await expect(page.locator("#number-error")).toHaveText(zh.track.typo_number);
    // Not four digits.
    await lookUp(page, "350102-20000101-999999-5", "12a");
    await expect(page.locator("#phone-error")).toHaveText(zh.track.invalid_phone);
  });

  test("the catalog search finds 生育登记 by full pinyin and by initials, as a plain GET form", async ({ page }) => {
    for (const typed of ["shengyu", "SYDJ", "sheng yu deng ji"]) {
      await page.goto("/");
      await page.getByRole("searchbox", { name: zh.home.search_label }).fill(typed);
      await page.getByRole("button", { name: zh.home.search_button, exact: true }).click();
      await expect(page).toHaveURL(/\/services\?q=/);
      await expect(page.getByRole("link", { name: hltItem.name, exact: true }), `"${typed}" finds ${hltItem.name}`).toBeVisible();
    }
    // A string that is no item's pinyin finds nothing, and says so.
    await page.goto("/services?q=xyzq");
    await expect(page.getByText(zh.catalog.no_results)).toBeVisible();
  });

  test("apply for 生育登记 with JavaScript off, then look it up", async ({ page }) => {
    test.slow();
    const applicant = uniqueName("无脚本");

    await page.goto(`/services/${HLT}`);
    await expect(page.getByRole("heading", { level: 1, name: hltItem.name })).toBeVisible();
    await page.getByRole("link", { name: zh.guide.apply, exact: true }).click();
    await expect(page).toHaveURL(new RegExp(`${APPLY_PATH}$`));

    // --- Empty form: the server sends it back with the summary and the messages ----
    await continueFromAnswers(page);
    await expect(page).toHaveURL(new RegExp(`${APPLY_PATH}\\?draft=[^&#]+`));
    const summary = errorSummary(page, zh.apply.error_summary_title);
    await expect(summary).toBeVisible();
    await expect(summary.getByRole("link")).toHaveCount(hltRequiredFields.length);
    for (const f of hltRequiredFields) {
      await expect(summary.getByRole("link", { name: `${f.label}: ${zh.errors.required}` })).toHaveAttribute("href", `#field-${f.name}`);
      await expect(fieldError(page, f.name)).toHaveText(zh.errors.required);
      await expect(field(page, f.name)).toHaveAttribute("aria-invalid", "true");
    }
    await expect(fieldError(page, "marriage_date")).toHaveCount(0); // optional
    await expect(page.getByText(zh.apply.draft_saved)).toBeVisible();

    // --- A wrong check digit: the same words as the browser-side check ------------
    await field(page, "applicant_id_number").fill(ID_WITH_WRONG_CHECK_DIGIT);
    await continueFromAnswers(page);
    await expect(fieldError(page, "applicant_id_number")).toHaveText(zh.errors.id_check);
    await expect(summary.getByRole("link", { name: `${hltLabel("applicant_id_number")}: ${zh.errors.id_check}` })).toBeVisible();
    // What was typed is kept.
    await expect(field(page, "applicant_id_number")).toHaveValue(ID_WITH_WRONG_CHECK_DIGIT);

    // --- Everything right ----------------------------------------------------------
    await fillHltForm(page, validHltAnswers(applicant));
    await continueFromAnswers(page);
    await expect(page).toHaveURL(MATERIALS_URL);
    await expect(page.getByRole("heading", { level: 1, name: zh.materials.title })).toBeVisible();

    // --- Materials: real multipart forms ------------------------------------------
    // Without JavaScript the server's answer to a refused file is the page again,
    // with an error summary linking to the file input.
    const first = hltRequiredMaterials[0] ?? hltItem.materials[0];
    await uploadMaterial(page, first.code, fakePdfFile("fake.pdf"));
    const uploadSummary = errorSummary(page, zh.upload.error_title);
    await expect(uploadSummary).toContainText(zh.upload.unsupported_type);
    await expect(uploadSummary.getByRole("link")).toHaveAttribute("href", `#file-${first.code}`);
    await expect(materialStatus(page, first.code)).toHaveText(zh.materials.not_uploaded);

    for (const m of hltRequiredMaterials) {
      const file = pdfFile(`${m.code}.pdf`);
      await uploadMaterial(page, m.code, file);
      await expect(materialStatus(page, m.code)).toHaveText(uploadedText(file));
      await expect(page.getByRole("status").filter({ hasText: zh.materials.saved })).toBeVisible();
    }
    // An optional one too, as a PNG.
    const optional = hltItem.materials.find((m) => !m.required);
    if (optional) {
      const photo = pngFile(`${optional.code}.png`);
      await uploadMaterial(page, optional.code, photo);
      await expect(materialStatus(page, optional.code)).toHaveText(uploadedText(photo));
    }
    await page.getByRole("link", { name: zh.materials.to_check, exact: true }).click();

    // --- Check and submit ------------------------------------------------------------
    await expect(page).toHaveURL(CHECK_URL);
    await expect(page.getByRole("heading", { level: 1, name: zh.check.title })).toBeVisible();
    await expect(errorSummary(page, zh.check.problems_title)).toHaveCount(0);
    await expect(page.getByRole("definition").filter({ hasText: applicant }).first()).toBeVisible();

    // --- A refused delivery choice comes back as it was sent -----------------------
    // An address pasted with an invisible control character (BEL): refused with its
    // own message, the choice and the address kept to correct, nothing submitted.
    const pasted = "福州市鼓楼区\u0007乌山西路318号";
    await page.getByLabel(zh.delivery.post, { exact: true }).check();
    await page.getByLabel(zh.delivery.address, { exact: true }).fill(pasted);
    await page.getByRole("button", { name: zh.check.submit, exact: true }).click();
    await expect(page).toHaveURL(/delivery_error=error_address_control_character/);
    await expect(errorSummary(page, zh.check.problems_title)).toContainText(zh.delivery.error_address_control_character);
    await expect(page.locator("#delivery-error")).toHaveText(zh.delivery.error_address_control_character);
    await expect(page.getByLabel(zh.delivery.post, { exact: true })).toBeChecked();
    await expect(page.getByLabel(zh.delivery.address, { exact: true })).toHaveValue(pasted);
    await page.getByLabel(zh.delivery.address, { exact: true }).fill("福州市鼓楼区乌山西路318号");
    const tracking = await submitFromCheck(page);
    await expect(page).toHaveURL(RECEIPT_URL);
    await expect(page.getByRole("heading", { level: 1, name: zh.receipt.title })).toBeVisible();
    await expect(page.getByRole("img", { name: zh.receipt.qr }).locator("svg")).toBeVisible();

    // --- Progress lookup, a GET form ----------------------------------------------------
    await lookUp(page, tracking, MOBILE_LAST_FOUR);
    await expect(page.getByTestId("current-status")).toHaveText(zh.status.submitted);
    await expect(lookupTimeline(page)).toHaveCount(1);
    await expect(lookupTimeline(page).first()).toContainText(zh.actor.applicant);
  });
});
