/**
 * 一件事一次办 (bundles) with JavaScript on: one combined form, each document
 * uploaded once for every part that needs it, one submission that files each part
 * as its own case in its own department, and one progress view of them all. The
 * opening of a business files its later registrations only once the business
 * licence is issued, with the credit code that licence assigned.
 * The staff work in a second browser, as in a hall: the citizen's browser keeps the
 * receipt (it is that browser's, nobody else's).
 */
import { test, expect, type Browser, type Page } from "@playwright/test";
import {
  BUNDLE_CHECK_URL,
  BUNDLE_MATERIALS_URL,
  BUNDLE_RECEIPT_URL,
  SHOWN_TRACKING,
  STAFF,
  VALID_IDS,
  bundleDocuments,
  bundlePart,
  bundleQuestions,
  caseStatus,
  checkA11y,
  continueFromAnswers,
  decide,
  errorSummary,
  escapeRegExp,
  fill,
  findCase,
  loginAs,
  lookUp,
  logout,
  materialStatus,
  pdfFile,
  readBundle,
  readCatalogItem,
  uniqueName,
  uniquePhone,
  uploadMaterial,
  uploadedText,
  type BundleSpec,
  type StaffUser,
  zh,
} from "../helpers";

const NEWBORN = readBundle("BND-0003");
const OPENING = readBundle("BND-0001");

const itemName = (code: string) => readCatalogItem(code).name;
const partNames = (codes: string[]) => codes.map(itemName).join("、");

/** YYYY-MM-DD, `days` from now (negative: in the past). */
function isoDay(days: number): string {
  return new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);
}

/** "一次填报 n 项信息（分别办理需填 m 项），提交 …" as the guide must say it for this bundle. */
function reductionText(bundle: BundleSpec): string {
  const items = bundle.parts.map((p) => readCatalogItem(p.service));
  return fill(zh.bundle.guide_reduction, {
    questions: String(bundleQuestions(bundle).length),
    separately: String(items.reduce((n, i) => n + i.fields.length, 0)),
    materials: String(bundleDocuments(bundle).length),
    materials_separately: String(items.reduce((n, i) => n + i.materials.length, 0)),
  });
}

/** A staff browser of its own, signed out. */
async function staffBrowser(browser: Browser): Promise<Page> {
  const context = await browser.newContext({ baseURL: test.info().project.use.baseURL, locale: "zh-CN" });
  return context.newPage();
}

/** One clerk's decision on a case found by its number in a queue tab; checks where the case ends up. */
async function staffStep(staff: Page, user: StaffUser, tab: string, tracking: string, action: string, expected: string, note = ""): Promise<void> {
  await loginAs(staff, user);
  await findCase(staff, tab, tracking);
  await decide(staff, action, note);
  await expect(staff.getByRole("status").filter({ hasText: fill(zh.admin.done, { action }) })).toBeVisible();
  await expect(caseStatus(staff)).toHaveText(expected);
  await logout(staff);
}

/** Opens the combined form from the bundle's guide and waits for its island. */
async function openCombinedForm(page: Page, bundle: BundleSpec): Promise<void> {
  if (new URL(page.url()).pathname !== `/bundles/${bundle.code}`) await page.goto(`/bundles/${bundle.code}`);
  await expect(page.getByRole("heading", { level: 1, name: bundle.name })).toBeVisible();
  await page.getByRole("link", { name: zh.bundle.apply, exact: true }).click();
  await expect(page).toHaveURL(new RegExp(`/bundles/${bundle.code}/apply$`));
  await expect(page.locator('form[data-hydrated="true"]')).toHaveCount(1);
}

/** The inputs, selects and text areas of the answers form. */
function answerInputs(page: Page) {
  return page.locator('form input[id^="field-"], form select[id^="field-"], form textarea[id^="field-"]');
}

/** Fills the combined form: every question once, by field name. */
async function answerCombinedForm(page: Page, bundle: BundleSpec, answers: Record<string, string>): Promise<void> {
  const questions = bundleQuestions(bundle);
  expect(Object.keys(answers).sort(), "the test answers exactly the questions of the combined form").toEqual(questions.map((q) => q.name).sort());
  await expect(answerInputs(page)).toHaveCount(questions.length);
  for (const q of questions) {
    const input = page.locator(`#field-${q.name}`);
    await expect(input, `${q.name} asked once`).toHaveCount(1);
    if (q.kind === "select") await input.selectOption(answers[q.name]);
    else await input.fill(answers[q.name]);
  }
  await continueFromAnswers(page);
  await expect(page).toHaveURL(BUNDLE_MATERIALS_URL);
  await expect(page.getByRole("heading", { level: 1, name: zh.bundle.materials_title })).toBeVisible();
}

/** Uploads a small PDF to every required document of the materials step. */
async function uploadRequiredDocuments(page: Page, bundle: BundleSpec): Promise<void> {
  const docs = bundleDocuments(bundle);
  await expect(page.locator('li[id^="material-"]')).toHaveCount(docs.length);
  await expect(page.locator('form[data-hydrated="true"]')).toHaveCount(docs.length);
  for (const d of docs) {
    await expect(page.locator(`#material-${d.key}`).getByText(fill(zh.bundle.for_parts, { parts: partNames(d.parts) }), { exact: true })).toBeVisible();
    await expect(materialStatus(page, d.key)).toHaveText(zh.materials.not_uploaded);
  }
  for (const d of docs.filter((x) => x.required)) {
    const file = pdfFile(`${d.key}.pdf`);
    await uploadMaterial(page, d.key, file);
    await expect(materialStatus(page, d.key)).toHaveText(uploadedText(file));
  }
  for (const d of docs.filter((x) => !x.required)) await expect(materialStatus(page, d.key)).toHaveText(zh.materials.not_uploaded);
}

/** From the materials step to the check step, and the submission; returns the bundle's number as shown. */
async function checkAndSubmit(page: Page, bundle: BundleSpec, label: string): Promise<string> {
  await page.getByRole("link", { name: zh.bundle.to_check, exact: true }).click();
  await expect(page).toHaveURL(BUNDLE_CHECK_URL);
  await expect(page.getByRole("heading", { level: 1, name: zh.bundle.check_title })).toBeVisible();
  await expect(errorSummary(page, zh.check.problems_title)).toHaveCount(0); // nothing missing
  const parts = page.getByTestId("bundle-parts").getByRole("listitem");
  await expect(parts).toHaveCount(bundle.parts.length);
  for (const [i, p] of bundle.parts.entries()) {
    await expect(parts.nth(i)).toContainText(itemName(p.service));
    await expect(parts.nth(i)).toContainText(p.after ? fill(zh.bundle.check_waits, { part: itemName(p.after) }) : zh.bundle.check_at_once);
  }
  await checkA11y(page, { label });
  await page.getByRole("button", { name: zh.bundle.submit, exact: true }).click();
  await expect(page).toHaveURL(BUNDLE_RECEIPT_URL);
  await expect(page.getByRole("heading", { level: 1, name: zh.bundle.receipt_title })).toBeVisible();
  const shown = page.getByTestId("bundle-number");
  await expect(shown).toHaveText(SHOWN_TRACKING);
  const number = (await shown.innerText()).trim();
  expect(number.replace(/-/g, "")).toBe(BUNDLE_RECEIPT_URL.exec(page.url())![1]);
  return number;
}

/** The part's own tracking number on the receipt. */
async function partNumber(page: Page, service: string): Promise<string> {
  const n = bundlePart(page, service).getByTestId("part-number");
  await expect(n).toHaveText(SHOWN_TRACKING);
  return (await n.innerText()).trim();
}

/** "共 n 个事项，已办结 e 个，其中出具结果 i 个。" and whether the bundle is done. */
async function expectProgress(page: Page, total: number, ended: number, issued: number): Promise<void> {
  const progress = page.getByTestId("bundle-progress");
  const complete = ended === total;
  await expect(progress).toHaveAttribute("data-complete", String(complete));
  await expect(progress).toContainText(fill(zh.bundle.progress_summary, { total: String(total), ended: String(ended), issued: String(issued) }));
  await expect(progress).toContainText(complete ? zh.bundle.complete : zh.bundle.in_progress);
  await expect(progress).not.toContainText(complete ? zh.bundle.in_progress : zh.bundle.complete);
}

test("a newborn's bundle: one form, one upload per document, four departments at once, complete only when every part has ended, in any order", async ({ page, browser }) => {
  test.slow(); // ten sign-ins and a dozen axe runs
  const bundle = NEWBORN;
  const parent = uniqueName("新生儿");
  const phone = uniquePhone();

  // --- The bundles, the guide -------------------------------------------------------
  await page.goto("/bundles");
  await expect(page.getByRole("heading", { level: 1, name: zh.bundle.list_title })).toBeVisible();
  const card = page.getByTestId(`bundle-${bundle.code}`);
  await expect(card).toContainText(`${fill(zh.bundle.parts_count, { n: String(bundle.parts.length) })}: ${partNames(bundle.parts.map((p) => p.service))}`);
  await checkA11y(page, { label: "/bundles" });
  await card.getByRole("link", { name: bundle.name, exact: true }).click();
  await expect(page).toHaveURL(new RegExp(`/bundles/${bundle.code}$`));
  await expect(page.getByTestId("bundle-reduction")).toHaveText(reductionText(bundle));
  for (const p of bundle.parts) await expect(page.getByRole("link", { name: itemName(p.service), exact: true })).toBeVisible();
  await checkA11y(page, { label: "bundle guide" });

  // --- One form: every fact asked once ---------------------------------------------------
  await openCombinedForm(page, bundle);
  await expect(page.getByText(zh.bundle.form_intro, { exact: true })).toBeVisible();
  await checkA11y(page, { label: "bundle form" });
  await answerCombinedForm(page, bundle, {
    applicant_name: parent,
    applicant_id_number: VALID_IDS[2],
    applicant_phone: phone,
    spouse_name: `${parent}配偶`.slice(0, 30),
    spouse_id_number: VALID_IDS[1],
    child_order: "first",
    marriage_date: "2018-05-20",
    child_name: `${parent}宝宝`.slice(0, 30),
    child_birth_date: isoDay(-5),
    child_sex: "female",
    birth_certificate_number: "Q350123456",
    household_address: "福州市鼓楼区东街88号3单元502室",
    card_delivery_address: "福州市鼓楼区东街88号3单元502室",
  });

  // --- One upload per document: the birth certificate serves three parts ------------------
  const birth = bundleDocuments(bundle).find((d) => d.code === "birth_certificate")!;
  expect(birth.parts).toEqual(["PSB-0002", "MED-0001", "HRS-0005"]);
  await expect(page.locator('li[id$="-birth_certificate"]')).toHaveCount(1);
  await expect(page.locator(`#material-${birth.key}`)).toContainText(fill(zh.bundle.for_parts, { parts: partNames(birth.parts) }));
  await expect(page.getByTestId("bundle-from-licence")).toHaveCount(0);
  await checkA11y(page, { label: "bundle materials" });
  await uploadRequiredDocuments(page, bundle);
  await expect(page.getByRole("status").filter({ hasText: zh.materials.saved })).toBeVisible();

  // --- Check and submit -----------------------------------------------------------------
  const number = await checkAndSubmit(page, bundle, "bundle check");
  const receiptUrl = page.url();

  // Four cases at once, each with its own number.
  await expect(page.locator('li[data-testid^="part-"]')).toHaveCount(bundle.parts.length);
  const numbers: Record<string, string> = {};
  for (const p of bundle.parts) {
    await expect(bundlePart(page, p.service)).toHaveAttribute("data-state", "submitted");
    await expect(bundlePart(page, p.service)).toContainText(zh.status.submitted);
    numbers[p.service] = await partNumber(page, p.service);
  }
  expect(new Set([number, ...Object.values(numbers)]).size, "every part has its own number, none the bundle's").toBe(bundle.parts.length + 1);
  await expectProgress(page, 4, 0, 0);
  await checkA11y(page, { label: "bundle receipt" });

  // --- The departments, each at its own pace, in an order of their own ------------------
  const staff = await staffBrowser(browser);
  const receipt = async (service: string, state: string, ended: number, issued: number) => {
    await page.goto(receiptUrl);
    await expect(bundlePart(page, service)).toHaveAttribute("data-state", state);
    await expectProgress(page, 4, ended, issued);
  };

  // Medical insurance first (the last in catalog order): accepted, approved, issued.
  await staffStep(staff, STAFF.window, zh.admin.tab_intake, numbers["MED-0001"], zh.action.accept, zh.status.accepted);
  await staffStep(staff, STAFF.med, zh.admin.tab_review, numbers["MED-0001"], zh.action.approve, zh.status.approved);
  await staffStep(staff, STAFF.issue, zh.admin.tab_issue, numbers["MED-0001"], zh.action.issue, zh.status.issued);
  await receipt("MED-0001", "issued", 1, 1);
  for (const p of ["HLT-0001", "PSB-0002", "HRS-0005"]) await expect(bundlePart(page, p)).toHaveAttribute("data-state", "submitted");

  // The social security card is refused at the window: an end, without a result.
  await staffStep(staff, STAFF.window, zh.admin.tab_intake, numbers["HRS-0005"], zh.action.refuse, zh.status.refused, "新生儿尚未取得公民身份号码，请落户后另行申领");
  await receipt("HRS-0005", "refused", 2, 1);
  await expect(bundlePart(page, "HRS-0005")).toContainText(zh.status.refused);

  // The household registration.
  await staffStep(staff, STAFF.window, zh.admin.tab_intake, numbers["PSB-0002"], zh.action.accept, zh.status.accepted);
  await staffStep(staff, STAFF.police, zh.admin.tab_review, numbers["PSB-0002"], zh.action.approve, zh.status.approved);
  await staffStep(staff, STAFF.issue, zh.admin.tab_issue, numbers["PSB-0002"], zh.action.issue, zh.status.issued);
  await receipt("PSB-0002", "issued", 3, 2);
  await expect(bundlePart(page, "HLT-0001")).toHaveAttribute("data-state", "submitted");

  // The birth registration, first in the catalog, last to end: now the bundle is done.
  await staffStep(staff, STAFF.window, zh.admin.tab_intake, numbers["HLT-0001"], zh.action.accept, zh.status.accepted);
  await staffStep(staff, STAFF.review, zh.admin.tab_review, numbers["HLT-0001"], zh.action.approve, zh.status.approved);
  await staffStep(staff, STAFF.issue, zh.admin.tab_issue, numbers["HLT-0001"], zh.action.issue, zh.status.issued);
  await receipt("HLT-0001", "issued", 4, 3);
  await expect(page.getByText(zh.bundle.complete)).toBeVisible();
  const finalStates = await Promise.all(bundle.parts.map((p) => bundlePart(page, p.service).getAttribute("data-state")));
  expect(finalStates).toEqual(["issued", "issued", "issued", "refused"]);
  // Each part's number is unchanged.
  for (const p of bundle.parts) expect(await partNumber(page, p.service)).toBe(numbers[p.service]);
  await checkA11y(page, { label: "bundle receipt, complete" });
  // The lookup, from the staff browser that never saw the bundle: the number and the
  // phone's last four digits show the same progress.
  await lookUp(staff, number, phone.slice(-4));
  await expect(staff.getByTestId("bundle-lookup").getByTestId("bundle-number")).toHaveText(number);
  await expect(staff.getByTestId("bundle-progress")).toHaveAttribute("data-complete", "true");
  for (const p of bundle.parts) await expect(bundlePart(staff, p.service).getByTestId("part-number")).toHaveText(numbers[p.service]);
  await checkA11y(staff, { label: "/track (bundle)" });
  await staff.context().close();
});

test("opening a business: the later registrations wait for the business licence and are filed with its credit code", async ({ page, browser }) => {
  test.slow(); // eight sign-ins
  const bundle = OPENING;
  const first = bundle.parts.find((p) => !p.after)!.service; // MKT-0001
  const later = bundle.parts.filter((p) => p.after === first).map((p) => p.service);
  expect(later).toEqual(["PSB-0003", "TAX-0001", "HRS-0003", "GJJ-0002"]);
  const filer = uniqueName("开办");
  const company = `福州市鼓楼区${filer}科技有限公司`.slice(0, 50);

  // --- The guide says what waits for what --------------------------------------------------
  await page.goto(`/bundles/${bundle.code}`);
  for (const p of bundle.parts.filter((x) => x.after)) {
    const item = readCatalogItem(p.service);
    const fields = p.fromLicence.map((f) => item.fields.find((x) => x.name === f)!.label).join("、");
    await expect(page.getByText(fill(zh.bundle.guide_after, { part: itemName(first), fields }), { exact: true })).toBeVisible();
  }
  await expect(page.getByTestId("bundle-reduction")).toHaveText(reductionText(bundle));

  // --- The company's name asked once; no credit code asked at all -----------------------------
  await openCombinedForm(page, bundle);
  await expect(page.locator("#field-company_name")).toHaveCount(1);
  await expect(page.locator("#field-employer_name")).toHaveCount(0);
  for (const f of ["taxpayer_credit_code", "company_credit_code", "employer_credit_code", "established_date"]) {
    await expect(page.locator(`#field-${f}`), `${f} comes from the licence`).toHaveCount(0);
  }
  await checkA11y(page, { label: "bundle form (opening a business)" });
  await answerCombinedForm(page, bundle, {
    applicant_name: filer,
    applicant_phone: uniquePhone(),
    company_name: company,
    company_type: "llc_natural_person",
    registered_capital: "100",
    business_scope: "软件开发；信息技术咨询服务",
    planned_start_date: isoDay(30),
    seal_set: "standard",
    finance_officer_name: `${filer}财务`.slice(0, 30),
    finance_officer_phone: uniquePhone(),
    taxpayer_type: "small_scale",
    employee_count: "5",
    contribution_rate: "12",
    first_contribution_date: isoDay(40),
  });

  // --- The business licence is not asked: the registration's licence provides it ---------------
  const notices = page.getByTestId("bundle-from-licence");
  await expect(notices).toHaveCount(later.length);
  for (const service of later) {
    const material = readCatalogItem(service).materials.find((m) => m.code === "business_licence")!;
    await expect(notices.filter({ hasText: fill(zh.bundle.from_licence, { material: material.name, part: itemName(service), after: itemName(first) }) })).toHaveCount(1);
  }
  await expect(page.locator('li[id$="-business_licence"]')).toHaveCount(0);
  await checkA11y(page, { label: "bundle materials (opening a business)" });
  await uploadRequiredDocuments(page, bundle);

  const number = await checkAndSubmit(page, bundle, "bundle check (opening a business)");
  const receiptUrl = page.url();

  // --- Only the registration is filed; the rest wait for its licence ------------------------------
  await expect(bundlePart(page, first)).toHaveAttribute("data-state", "submitted");
  const registration = await partNumber(page, first);
  expect(registration).not.toBe(number);
  for (const service of later) {
    const part = bundlePart(page, service);
    await expect(part).toHaveAttribute("data-state", "waiting");
    await expect(part).toContainText(fill(zh.bundle.state_waiting, { part: itemName(first) }));
    await expect(part.getByTestId("part-number")).toHaveCount(0);
  }
  await expectProgress(page, 5, 0, 0);
  await checkA11y(page, { label: "bundle receipt, parts waiting" });

  // --- The registration: accepted, five departments approve in parallel, issued ---------------------
  const staff = await staffBrowser(browser);
  await staffStep(staff, STAFF.window, zh.admin.tab_intake, registration, zh.action.accept, zh.status.accepted);
  const reviewers = [STAFF.market, STAFF.tax, STAFF.police, STAFF.hr, STAFF.fund];
  for (const [i, reviewer] of reviewers.entries()) {
    const last = i === reviewers.length - 1;
    await staffStep(staff, reviewer, zh.admin.tab_review, registration, zh.action.approve, last ? zh.status.approved : zh.status.under_review);
  }
  // Nothing is filed while the licence is not issued.
  await page.goto(receiptUrl);
  await expect(bundlePart(page, first)).toHaveAttribute("data-state", "approved");
  for (const service of later) await expect(bundlePart(page, service)).toHaveAttribute("data-state", "waiting");

  await loginAs(staff, STAFF.issue);
  await findCase(staff, zh.admin.tab_issue, registration);
  await decide(staff, zh.action.issue);
  await expect(caseStatus(staff)).toHaveText(zh.status.issued);
  const licence = (await staff.getByTestId("licence-number").innerText()).trim();
  expect(licence).toMatch(new RegExp(`^${first}-\\d{8}-\\d{6}$`));
  await logout(staff);

  // --- The sweep files the waiting parts, each with its own number --------------------------------
  await expect(async () => {
    await page.goto(receiptUrl);
    for (const service of later) {
      await expect(bundlePart(page, service).getByTestId("part-number")).toHaveText(SHOWN_TRACKING, { timeout: 500 });
    }
  }).toPass({ timeout: 30_000, intervals: [500, 1_000, 2_000] });
  await expect(bundlePart(page, first)).toHaveAttribute("data-state", "issued");
  // Social insurance registration with its business licence from the e-licence store is
  // approved instantly (秒批, catalog/services/HRS-0003.toml); the others go to their departments.
  for (const service of ["PSB-0003", "TAX-0001", "GJJ-0002"]) await expect(bundlePart(page, service)).toHaveAttribute("data-state", "submitted");
  await expect(bundlePart(page, "HRS-0003")).toHaveAttribute("data-state", "issued");
  const laterNumbers = await Promise.all(later.map((s) => partNumber(page, s)));
  expect(new Set([number, registration, ...laterNumbers]).size).toBe(2 + later.length);
  await expectProgress(page, 5, 2, 2);
  await checkA11y(page, { label: "bundle receipt, parts filed" });

  // --- The tax office's case holds the licence's credit code and the licence itself ------------------
  const tax = readCatalogItem("TAX-0001");
  await loginAs(staff, STAFF.window);
  await findCase(staff, zh.admin.tab_intake, laterNumbers[later.indexOf("TAX-0001")]);
  await expect(caseStatus(staff)).toHaveText(zh.status.submitted);
  const answer = (name: string) =>
    staff
      .locator("dl.facts dt")
      .filter({ hasText: new RegExp(`^${escapeRegExp(tax.fields.find((f) => f.name === name)!.label)}$`) })
      .locator("xpath=following-sibling::dd[1]");
  await expect(answer("taxpayer_credit_code")).toHaveText(/^91350102[0-9A-Z]{10}$/);
  await expect(answer("applicant_name")).toHaveText(filer);
  await expect(staff.getByTestId("provided-business_licence")).toContainText(fill(zh.provision.clerk_licence, { number: licence }));
  await checkA11y(staff, { label: "clerk case, part filed from a licence" });
  await logout(staff);
  await staff.context().close();
});
