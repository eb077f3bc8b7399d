/**
 * The citizen's whole journey with JavaScript on, and the clerks who carry the
 * case to its end: search → guide → apply (browser-side validation) → upload →
 * check → submit → receipt → accept → approve → issue → progress lookup.
 * Every test makes its own application, under a name no other test uses.
 */
import { test, expect } from "@playwright/test";
import {
  APPLY_PATH,
  HLT,
  ID_WITH_WRONG_CHECK_DIGIT,
  MATERIALS_URL,
  CHECK_URL,
  MOBILE_LAST_FOUR,
  RECEIPT_URL,
  STAFF,
  caseStatus,
  caseTimeline,
  checkA11y,
  compactTracking,
  continueFromAnswers,
  countQueueRows,
  decide,
  draftIdOf,
  en,
  escapeRegExp,
  errorSummary,
  fakePdfFile,
  field,
  fieldError,
  fill,
  fillHltForm,
  hltItem,
  hltLabel,
  hltRequiredFields,
  hltRequiredMaterials,
  loginAs,
  logout,
  lookUp,
  lookupTimeline,
  materialStatus,
  openCaseFromQueue,
  pdfFile,
  prepareApplication,
  submitApplication,
  submitFromCheck,
  templatePattern,
  uniqueName,
  unknownButWellFormed,
  uploadMaterial,
  uploadedText,
  uploadMaterialRefusedInline,
  VALID_IDS,
  validHltAnswers,
  waitForFormHydration,
  withWrongCheckCharacter,
  zh,
} from "../helpers";

const SERVICE_NAME = hltItem.name; // 生育登记

test.describe("citizen and clerks, JavaScript on", () => {
  test("apply for 生育登记 online, then accept, approve, issue and look it up", async ({ page }) => {
    test.slow(); // a dozen pages, three sign-ins and eight axe runs
    const applicant = uniqueName("全流程");

    // --- Home page, search ---------------------------------------------------
    await page.goto("/");
    await expect(page.getByRole("heading", { level: 1, name: zh.site.name })).toBeVisible();
    await checkA11y(page, { label: "home" });
    await page.getByRole("searchbox", { name: zh.home.search_label }).fill(SERVICE_NAME);
    await page.getByRole("button", { name: zh.home.search_button, exact: true }).click();

    // --- Catalog ---------------------------------------------------------------
    await expect(page).toHaveURL(/\/services\?q=/);
    await expect(page.getByRole("heading", { level: 1, name: zh.catalog.title })).toBeVisible();
    await expect(page.getByRole("searchbox", { name: zh.catalog.keyword })).toHaveValue(SERVICE_NAME);
    await expect(page.getByRole("status").filter({ hasText: templatePattern(zh.catalog.results) })).toBeVisible();
    await checkA11y(page, { label: "catalog" });
    await page.getByRole("link", { name: SERVICE_NAME, exact: true }).click();

    // --- Guide -------------------------------------------------------------------
    await expect(page).toHaveURL(new RegExp(`/services/${HLT}$`));
    await expect(page.getByRole("heading", { level: 1, name: SERVICE_NAME })).toBeVisible();
    for (const m of hltItem.materials) {
      await expect(page.getByRole("cell").filter({ hasText: m.name }).first()).toBeVisible();
    }
    await checkA11y(page, { label: "guide" });
    await page.getByRole("link", { name: zh.guide.apply, exact: true }).click();

    // --- Answers: the browser checks before anything is sent -------------------
    await expect(page).toHaveURL(new RegExp(`${APPLY_PATH}$`));
    await waitForFormHydration(page);
    const applyUrl = page.url();
    await continueFromAnswers(page);
    const summary = errorSummary(page, zh.apply.error_summary_title);
    await expect(summary).toBeVisible();
    await expect(summary).toBeFocused();
    expect(page.url(), "validated in the browser: no request, no navigation").toBe(applyUrl);
    await expect(summary.getByRole("link")).toHaveCount(hltRequiredFields.length);
    for (const f of hltRequiredFields) {
      const link = summary.getByRole("link", { name: `${f.label}: ${zh.errors.required}` });
      await expect(link).toHaveAttribute("href", `#field-${f.name}`);
      await expect(fieldError(page, f.name)).toHaveText(zh.errors.required);
      await expect(field(page, f.name)).toHaveAttribute("aria-invalid", "true");
    }

    // A wrong check digit is caught on leaving the field, with the server's words.
    const idField = field(page, "applicant_id_number");
    await idField.fill(ID_WITH_WRONG_CHECK_DIGIT);
    await idField.blur();
    await expect(fieldError(page, "applicant_id_number")).toHaveText(zh.errors.id_check);
    await expect(summary.getByRole("link", { name: `${hltLabel("applicant_id_number")}: ${zh.errors.id_check}` })).toBeVisible();
    expect(page.url()).toBe(applyUrl);

    // Everything right: the messages go as the answers are corrected.
    await fillHltForm(page, validHltAnswers(applicant));
    for (const f of hltRequiredFields) {
      await expect(fieldError(page, f.name)).toHaveCount(0);
    }
    await continueFromAnswers(page);

    // --- Materials -----------------------------------------------------------------
    await expect(page).toHaveURL(MATERIALS_URL);
    await expect(page.getByRole("heading", { level: 1, name: zh.materials.title })).toBeVisible();
    await checkA11y(page, { label: "materials" });

    // The upload islands mark themselves once their WASM runs.
    await expect(page.locator('form[data-hydrated="true"]')).toHaveCount(hltItem.materials.length);

    // A text file named .pdf is refused by its content (the server sniffs it), shown
    // inline by the upload island without leaving the page.
    const first = hltRequiredMaterials[0] ?? hltItem.materials[0];
    const refusal = await uploadMaterialRefusedInline(page, first.code, fakePdfFile("fake.pdf"));
    await expect(refusal).toContainText(zh.upload.unsupported_type);
    await expect(page.locator(`#file-${first.code}`)).toHaveAttribute("aria-invalid", "true");
    for (const m of hltItem.materials) {
      await expect(materialStatus(page, m.code)).toHaveText(zh.materials.not_uploaded);
    }

    // A file over the 10 MB limit is refused in the browser before a byte is sent.
    let uploadsSent = 0;
    page.on("request", (r) => {
      if (r.method() === "POST" && r.url().includes("/materials/")) uploadsSent += 1;
    });
    const huge = { name: "scan.pdf", mimeType: "application/pdf", buffer: Buffer.concat([Buffer.from("%PDF-1.4\n"), Buffer.alloc(10 * 1024 * 1024)]) };
    const tooLarge = await uploadMaterialRefusedInline(page, first.code, huge);
    await expect(tooLarge).toContainText(fill(zh.upload.too_large, { max: "10.0 MB" }));
    expect(uploadsSent).toBe(0);

    // Real PDFs for every required material.
    for (const m of hltRequiredMaterials) {
      const file = pdfFile(`${m.code}.pdf`);
      await uploadMaterial(page, m.code, file);
      await expect(materialStatus(page, m.code)).toHaveText(uploadedText(file));
      await expect(page.getByRole("status").filter({ hasText: zh.materials.saved })).toBeVisible();
      await expect(errorSummary(page, zh.upload.error_title)).toHaveCount(0);
    }
    await page.getByRole("link", { name: zh.materials.to_check, exact: true }).click();

    // --- Check -----------------------------------------------------------------------
    await expect(page).toHaveURL(CHECK_URL);
    await expect(page.getByRole("heading", { level: 1, name: zh.check.title })).toBeVisible();
    await expect(page.getByRole("definition").filter({ hasText: applicant }).first()).toBeVisible();
    await expect(errorSummary(page, zh.check.problems_title)).toHaveCount(0);
    await checkA11y(page, { label: "check" });

    // --- Submit, receipt -------------------------------------------------------------
    const tracking = await submitFromCheck(page);
    await expect(page.getByRole("heading", { level: 1, name: zh.receipt.title })).toBeVisible();
    await expect(page.getByRole("img", { name: zh.receipt.qr }).locator("svg")).toBeVisible();
    await expect(page.getByText(applicant)).toBeVisible();
    await checkA11y(page, { label: "receipt" });
    const receiptUrl = page.url();
    expect(receiptUrl).toMatch(RECEIPT_URL);
    expect(receiptUrl).toContain(compactTracking(tracking));

    // --- Window clerk accepts -------------------------------------------------------
    await loginAs(page, STAFF.window, { a11y: true });
    await checkA11y(page, { label: "queue" });
    await openCaseFromQueue(page, zh.admin.tab_intake, tracking);
    await expect(page.getByRole("heading", { level: 1, name: new RegExp(escapeRegExp(zh.admin.case_title)) })).toContainText(tracking);
    await expect(caseStatus(page)).toHaveText(zh.status.submitted);
    await checkA11y(page, { label: "case (window clerk)" });
    await decide(page, zh.action.accept);
    await expect(page.getByRole("status").filter({ hasText: fill(zh.admin.done, { action: zh.action.accept }) })).toBeVisible();
    await expect(caseStatus(page)).toHaveText(zh.status.accepted);
    await logout(page);

    // --- Reviewer approves -------------------------------------------------------------
    await loginAs(page, STAFF.review);
    await openCaseFromQueue(page, zh.admin.tab_review, tracking);
    await expect(caseStatus(page)).toHaveText(zh.status.accepted);
    await decide(page, zh.action.approve);
    await expect(page.getByRole("status").filter({ hasText: fill(zh.admin.done, { action: zh.action.approve }) })).toBeVisible();
    await expect(caseStatus(page)).toHaveText(zh.status.approved);
    await logout(page);

    // --- Issuing clerk issues -------------------------------------------------------------
    await loginAs(page, STAFF.issue);
    await openCaseFromQueue(page, zh.admin.tab_issue, tracking);
    await expect(caseStatus(page)).toHaveText(zh.status.approved);
    await decide(page, zh.action.issue);
    await expect(page.getByRole("status").filter({ hasText: fill(zh.admin.done, { action: zh.action.issue }) })).toBeVisible();
    await expect(caseStatus(page)).toHaveText(zh.status.issued);
    await expect(page.getByText(zh.admin.no_actions)).toBeVisible();
    await logout(page);

    // --- The citizen looks it up ----------------------------------------------------------
    await lookUp(page, tracking, MOBILE_LAST_FOUR);
    await expect(page.getByTestId("current-status")).toHaveText(zh.status.issued);
    // One entry per event the flow produced: submission, acceptance, approval, issue.
    const entries = lookupTimeline(page);
    await expect(entries).toHaveCount(4);
    await expect(entries).toHaveText(
      [zh.status.submitted, zh.status.accepted, zh.status.approved, zh.status.issued].map((s) => new RegExp(escapeRegExp(s))),
    );
    await expect(entries.first()).toContainText(zh.actor.applicant);
    await expect(entries.last()).toContainText(zh.actor.staff);
    await checkA11y(page, { label: "track" });
  });

  test("lookup: a wrong phone and an unknown number get the same answer; a typo is told apart", async ({ page }) => {
    const applicant = uniqueName("查询");
    const tracking = await submitApplication(page, applicant);

    // Right number, wrong phone.
    await lookUp(page, tracking, "1234");
    const notFound = errorSummary(page, zh.track.error_title);
    await expect(notFound).toBeVisible();
    await expect(notFound).toContainText(zh.track.not_found);
    await expect(page.getByTestId("current-status")).toHaveCount(0);
    const wrongPhoneText = (await notFound.innerText()).trim();

    // A number shaped right, with a right check character, that no case has; right phone.
    await lookUp(page, unknownButWellFormed(tracking), MOBILE_LAST_FOUR);
    await expect(notFound).toBeVisible();
    await expect(page.getByTestId("current-status")).toHaveCount(0);
    const unknownNumberText = (await notFound.innerText()).trim();
    expect(unknownNumberText, "nothing tells which of number and phone was wrong").toBe(wrongPhoneText);
    await expect(page.locator("#number-error")).toHaveCount(0);
    await expect(page.locator("#phone-error")).toHaveCount(0);

    // One character mistyped: the check character says so without looking anything up.
    await lookUp(page, withWrongCheckCharacter(tracking), MOBILE_LAST_FOUR);
    await expect(notFound).toContainText(zh.track.typo_number);
    await expect(page.locator("#number-error")).toHaveText(zh.track.typo_number);
    await expect(page.getByLabel(zh.track.number, { exact: true })).toHaveAttribute("aria-invalid", "true");
    await expect(notFound).not.toContainText(zh.track.not_found);

    // And the right pair finds it (this also clears this client's failure count).
    await lookUp(page, tracking, MOBILE_LAST_FOUR);
    await expect(page.getByTestId("current-status")).toHaveText(zh.status.submitted);
    await expect(errorSummary(page, zh.track.error_title)).toHaveCount(0);
  });

  test("a refusal without a reason is turned down and changes nothing", async ({ page }) => {
    test.slow();
    const applicant = uniqueName("拒绝");
    const tracking = await submitApplication(page, applicant);

    await loginAs(page, STAFF.window);
    await openCaseFromQueue(page, zh.admin.tab_intake, tracking);
    await expect(caseStatus(page)).toHaveText(zh.status.submitted);
    await expect(caseTimeline(page)).toHaveCount(1);

    await decide(page, zh.action.refuse); // no note
    const problem = errorSummary(page, zh.admin.error_title);
    await expect(problem).toBeVisible();
    await expect(problem).toContainText(zh.admin.reason_required);
    await expect(page).toHaveURL(/[?&]error=reason_required/);
    await expect(caseStatus(page)).toHaveText(zh.status.submitted);
    await expect(caseTimeline(page)).toHaveCount(1);
    await expect(page.getByRole("button", { name: zh.action.refuse, exact: true })).toBeVisible();

    // Still waiting in the intake queue, unchanged.
    await openCaseFromQueue(page, zh.admin.tab_intake, tracking);
    await expect(caseStatus(page)).toHaveText(zh.status.submitted);
    await logout(page);

    // And the applicant sees the same.
    await lookUp(page, tracking, MOBILE_LAST_FOUR);
    await expect(page.getByTestId("current-status")).toHaveText(zh.status.submitted);
    await expect(lookupTimeline(page)).toHaveCount(1);
  });

  test("the search box suggests services while typing pinyin initials, and a suggestion opens the guide", async ({ page }) => {
    await page.goto("/");
    const box = page.getByRole("searchbox", { name: zh.home.search_label });
    const suggestions = page.getByRole("list", { name: zh.catalog.suggestions });
    // The island wakes after the page loads: type until suggestions answer.
    await expect(async () => {
      await box.fill("");
      await box.pressSequentially("sydj");
      await expect(suggestions.getByRole("link", { name: SERVICE_NAME, exact: true })).toBeVisible({ timeout: 2_000 });
    }).toPass({ timeout: 30_000 });
    await expect(page.getByRole("status").filter({ hasText: templatePattern(zh.catalog.suggestion_count) })).toHaveCount(1);
    expect(new URL(page.url()).pathname, "nothing submitted").toBe("/");
    // Clearing the box clears the list.
    await box.fill("");
    await box.dispatchEvent("input");
    await expect(suggestions).toHaveCount(0);
    await box.pressSequentially("shengyu");
    await suggestions.getByRole("link", { name: SERVICE_NAME, exact: true }).click();
    await expect(page).toHaveURL(new RegExp(`/services/${HLT}$`));
    await checkA11y(page, { label: "guide (from a suggestion)" });
  });

  test("answers are kept on the device while typed: a reload or a new tab restores them; sending clears them", async ({ page, context }) => {
    const applicant = uniqueName("草稿");
    await page.goto(APPLY_PATH);
    await waitForFormHydration(page);
    await field(page, "applicant_name").fill(applicant);
    await field(page, "applicant_id_number").fill(VALID_IDS[2]);
    await field(page, "child_order").selectOption("second");

    await page.reload();
    await waitForFormHydration(page);
    await expect(field(page, "applicant_name")).toHaveValue(applicant);
    await expect(field(page, "applicant_id_number")).toHaveValue(VALID_IDS[2]);
    await expect(field(page, "child_order")).toHaveValue("second");
    await expect(field(page, "spouse_name")).toHaveValue("");

    // The tab closed, a new one opened: still there.
    await page.close();
    const again = await context.newPage();
    await again.goto(APPLY_PATH);
    await waitForFormHydration(again);
    await expect(field(again, "applicant_name")).toHaveValue(applicant);

    // Sent: the server has the answers, the device forgets them.
    await fillHltForm(again, validHltAnswers(applicant));
    await continueFromAnswers(again);
    await expect(again).toHaveURL(MATERIALS_URL);
    await again.goto(APPLY_PATH);
    await waitForFormHydration(again);
    await expect(field(again, "applicant_name")).toHaveValue("");
  });

  test("the language link turns the site English and back", async ({ page }) => {
    await page.goto("/");
    await expect(page.getByRole("heading", { level: 1, name: zh.site.name })).toBeVisible();
    await expect(page.locator("html")).toHaveAttribute("lang", /^zh/);

    const toEnglish = page.getByRole("link", { name: zh.nav.other_language_label });
    await expect(toEnglish).toHaveText(zh.nav.other_language); // "English"
    await toEnglish.click();
    await expect(page).toHaveURL(/\/$/);
    await expect(page.getByRole("heading", { level: 1, name: en.site.name })).toBeVisible();
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("Gulou District Government Services");
    await expect(page.locator("html")).toHaveAttribute("lang", /^en/);
    await expect(page.getByRole("link", { name: en.nav.services, exact: true })).toBeVisible();

    // The choice sticks across pages.
    await page.goto("/services");
    await expect(page.getByRole("heading", { level: 1, name: en.catalog.title })).toBeVisible();
    await page.goto("/");

    const toChinese = page.getByRole("link", { name: en.nav.other_language_label });
    await expect(toChinese).toHaveText(en.nav.other_language); // "中文"
    await toChinese.click();
    await expect(page.getByRole("heading", { level: 1, name: zh.site.name })).toBeVisible();
    await expect(page.locator("html")).toHaveAttribute("lang", /^zh/);
  });

  test("submitting the same draft twice makes one case and one receipt", async ({ page }) => {
    test.slow();
    const applicant = uniqueName("幂等");
    const draft = await prepareApplication(page, applicant);
    expect(draftIdOf(page.url())).toBe(draft);

    // Two submissions of the same draft, as a double click or a retried request
    // would send them; the browser context carries the applicant's cookie. The
    // Accept header is a browser's, so the server function answers a plain form
    // post with a real redirect.
    const post = () =>
      page.request.post("/api/applications/submit", {
        form: { draft },
        maxRedirects: 0,
        headers: { Accept: "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8" },
      });
    const firstAnswer = await post();
    const secondAnswer = await post();
    for (const answer of [firstAnswer, secondAnswer]) {
      expect([302, 303], `status of ${answer.url()}`).toContain(answer.status());
    }
    const firstLocation = firstAnswer.headers()["location"];
    const secondLocation = secondAnswer.headers()["location"];
    expect(firstLocation).toMatch(/^(?:https?:\/\/[^/]+)?\/receipt\/\d{20}[\dX]$/);
    expect(secondLocation).toBe(firstLocation);

    // The receipt is there, and the check page now leads to it too.
    await page.goto(firstLocation);
    await expect(page).toHaveURL(RECEIPT_URL);
    const tracking = (await page.getByTestId("tracking-number").innerText()).trim();
    expect(firstLocation).toContain(compactTracking(tracking));
    await page.goto(`/apply/${draft}/check`);
    await expect(page).toHaveURL(RECEIPT_URL);

    // One case for this applicant, not two.
    await loginAs(page, STAFF.window);
    expect(await countQueueRows(page, zh.admin.tab_all, applicant)).toBe(1);
    await logout(page);
  });
});
