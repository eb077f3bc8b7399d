/**
 * Materials without uploads (issue 14): a signed commitment instead of proof
 * (告知承诺), a material sent after acceptance (容缺受理) that holds the result
 * until it arrives, the result revoked for a false commitment with the applicant
 * told why; the credit lists (the black list loses commitments, at the server
 * too; the red list gains deferral); and an issued e-licence reused instead of an
 * upload (数据代替跑腿), which the clerk sees came from a verified licence.
 */
import { test, expect, type Page } from "@playwright/test";
import {
  STAFF,
  caseStatus,
  checkA11y,
  answerItem,
  askForCode,
  issueBusinessLicence,
  enterCode,
  compactTracking,
  continueToCheck,
  decide,
  escapeRegExp,
  fill,
  findCase,
  loginAs,
  logout,
  lookUp,
  lookupTimeline,
  materialStatus,
  pdfFile,
  readCatalogItem,
  submitFromCheck,
  uniqueName,
  uniquePhone,
  uploadMaterial,
  zh,
} from "../helpers";

const VENUE = "HLT-0002";
const venue = readCatalogItem(VENUE);
const CLEAN_OPERATOR = "91350102MA0000C1DY";
const BLACK_OPERATOR = "91350102MA0000B0XR";
const RED_OPERATOR = "91350100M000100Y43";

/** Answers the HLT-0002 form (JavaScript on) and goes on to the materials step. */
async function answerVenue(page: Page, name: string, phone: string, operator: string): Promise<void> {
  await answerItem(page, VENUE, {
    applicant_name: name,
    applicant_phone: phone,
    operator_credit_code: operator,
    venue_name: `${name}美发店`,
    venue_address: "福州市鼓楼区东街123号",
    venue_category: "beauty_salon",
    floor_area: "80",
    staff_count: "3",
  });
}

function otherWays(page: Page, code: string) {
  return page.getByTestId(`other-ways-${code}`);
}

async function signCommitment(page: Page, code: string): Promise<void> {
  const ways = otherWays(page, code);
  await ways.getByLabel(zh.provision.commit_agree, { exact: true }).check();
  await ways.getByRole("button", { name: zh.provision.commit_button, exact: true }).click();
  await page.waitForURL(new RegExp(`provided=${code}`));
  await expect(materialStatus(page, code)).toHaveText(zh.provision.provided_committed);
}

async function defer(page: Page, code: string): Promise<void> {
  const ways = otherWays(page, code);
  await ways.locator(`#defer-${code}`).check();
  await ways.getByRole("button", { name: zh.provision.defer_button, exact: true }).click();
  await page.waitForURL(new RegExp(`provided=${code}`));
  await expect(materialStatus(page, code)).toHaveText(fill(zh.provision.provided_deferred_draft, { days: "10" }));
}

test("a commitment instead of proof and a deferred material: accepted at once, issued when the material arrives, revoked when the commitment proves false", async ({ page, browser }) => {
  const name = uniqueName("承诺");
  const phone = uniquePhone();
  await answerVenue(page, name, phone, CLEAN_OPERATOR);
  for (const code of ["application_form", "business_licence", "floor_plan"]) await uploadMaterial(page, code, pdfFile(`${code}.pdf`));
  // A key material may be uploaded only; the commitment and the deferral are offered where the catalog says.
  await expect(otherWays(page, "floor_plan")).toHaveCount(0);
  await expect(otherWays(page, "commitment_letter").getByTestId("commitment-commitment_letter")).toContainText("本单位承诺");
  await checkA11y(page, { label: "materials step with other ways" });
  await signCommitment(page, "commitment_letter");
  await defer(page, "hygiene_test_report");
  await checkA11y(page, { label: "materials step, provided" });

  await continueToCheck(page);
  await expect(page.getByText(zh.provision.provided_committed)).toHaveCount(1);
  const tracking = await submitFromCheck(page);
  await expect(page.getByTestId("provided-commitment_letter")).toContainText(zh.provision.provided_committed);
  const due = /\d{4}-\d{2}-\d{2}/;
  await expect(page.getByTestId("provided-hygiene_test_report")).toContainText(due);

  // Accepted and approved as usual; the result waits for the deferred report.
  await loginAs(page, STAFF.window);
  await findCase(page, zh.admin.tab_intake, tracking);
  await expect(page.getByTestId("provided-commitment_letter")).toContainText("本单位承诺");
  await expect(page.getByTestId("deferred-waiting")).toHaveText(zh.provision.clerk_waiting);
  await checkA11y(page, { label: "clerk case with provided materials" });
  await decide(page, zh.action.accept);
  await logout(page);
  await loginAs(page, STAFF.review);
  await findCase(page, zh.admin.tab_review, tracking);
  await decide(page, zh.action.approve);
  await expect(caseStatus(page)).toHaveText(zh.status.approved);
  await logout(page);
  await loginAs(page, STAFF.issue);
  await findCase(page, zh.admin.tab_issue, tracking);
  await expect(page.getByRole("button", { name: zh.action.issue, exact: true })).toHaveCount(0);

  // The applicant sends the report from the lookup, in another browser.
  const citizen = await (await browser.newContext({ baseURL: test.info().project.use.baseURL, locale: "zh-CN" })).newPage();
  const last4 = phone.slice(-4);
  await lookUp(citizen, tracking, last4);
  const toSend = citizen.getByTestId("deferred-materials");
  await expect(toSend).toContainText(venue.materials.find((m) => m.code === "hygiene_test_report")!.name);
  await checkA11y(citizen, { label: "lookup with a deferred material" });
  await toSend.getByRole("link", { name: zh.provision.to_send_link, exact: true }).click();
  await expect(citizen).toHaveURL(/\/track\/\d{20}[\dX]\/correct/);
  await expect(citizen.getByRole("heading", { level: 1 })).toHaveText(zh.provision.to_send_title);
  await checkA11y(citizen, { label: "sending a deferred material" });
  await citizen.setInputFiles("#file-hygiene_test_report", pdfFile("report.pdf"));
  await citizen.locator("#material-hygiene_test_report").getByRole("button", { name: zh.materials.upload, exact: true }).click();
  await citizen.waitForURL(/\/track\?number=/);
  await expect(citizen.getByTestId("deferred-materials")).toHaveCount(0);
  await expect(lookupTimeline(citizen).filter({ hasText: zh.provision.event })).toHaveCount(3);

  // Now the result can be issued; the reductions are counted.
  await page.reload();
  await decide(page, zh.action.issue);
  await expect(caseStatus(page)).toHaveText(zh.status.issued);
  await expect(page.getByTestId("reductions")).toContainText(fill(zh.provision.reductions, { reused: "0", deferred: "1", committed: "1", trips: "2" }));
  await logout(page);

  // An inspection finds the commitment false: the approving department revokes the result.
  await loginAs(page, STAFF.review);
  await page.goto(`/admin/cases/${compactTracking(tracking)}`);
  const reason = "现场核查：无从业人员健康合格证明";
  await decide(page, zh.action.revoke, reason);
  await expect(caseStatus(page)).toHaveText(zh.status.revoked);

  // The applicant is told, with the reason.
  await lookUp(citizen, tracking, last4);
  const messages = citizen.getByTestId("messages").getByRole("listitem");
  await expect(async () => {
    await lookUp(citizen, tracking, last4);
    await expect(messages.filter({ hasText: reason })).toHaveCount(1, { timeout: 1_000 });
  }).toPass({ timeout: 20_000 });
  await expect(lookupTimeline(citizen).filter({ hasText: zh.status.revoked })).toHaveCount(1);
});

test("the credit lists: a black-listed operator cannot commit, not even by a forged request; a red-listed one may defer any non-key material", async ({ page }) => {
  await answerVenue(page, uniqueName("失信"), uniquePhone(), BLACK_OPERATOR);
  await expect(page.getByTestId("commit-barred-commitment_letter")).toHaveText(zh.provision.commit_barred);
  await expect(otherWays(page, "commitment_letter").getByRole("button", { name: zh.provision.commit_button })).toHaveCount(0);
  const draft = /\/apply\/([^/?#]+)\//.exec(page.url())![1];
  // The browser is never trusted: a hand-made request is refused by the server.
  const forged = await page.request.post("/api/applications/provide", {
    form: { draft, material: "commitment_letter", choice: "committed", agree: "yes" },
    headers: { Accept: "text/html" },
    maxRedirects: 0,
  });
  expect(forged.status()).toBeGreaterThanOrEqual(300);
  expect(forged.status()).toBeLessThan(400);
  const back = forged.headers()["location"];
  expect(back).toContain("refused=black_listed");
  await page.goto(back);
  await expect(page.getByRole("alert")).toContainText(zh.provision.refused_black_listed);
  await expect(materialStatus(page, "commitment_letter")).toHaveText(zh.materials.not_uploaded);
  await checkA11y(page, { label: "materials step, refused provision" });

  await answerVenue(page, uniqueName("守信"), uniquePhone(), RED_OPERATOR);
  await expect(otherWays(page, "business_licence")).toContainText(zh.provision.defer_red);
  await expect(otherWays(page, "application_form")).toHaveCount(0);
  await defer(page, "business_licence");
});

test("an issued business licence is reused instead of an upload, and the clerk sees it came from a verified licence", async ({ page }) => {
  const phone = uniquePhone();
  // Sign in by code.
  await enterCode(page, await askForCode(page, phone));
  await expect(page.getByTestId("signed-in-as")).toBeVisible();

  // An individual business registered and its licence issued.
  const name = uniqueName("复用");
  const staff = await issueBusinessLicence(page, name, phone);

  // Proactive service (主动办): with the licence issued, "me" offers what a new
  // business needs next (catalog/proactive.toml), and one message says so.
  await expectOffers(page, ["TAX-0001", "HRS-0003", "GJJ-0002"]);
  await checkA11y(page, { label: "me with proactive offers" });

  // The hygiene licence application offers that licence for the business licence.
  await answerVenue(page, name, phone, CLEAN_OPERATOR);
  const ways = otherWays(page, "business_licence");
  const choose = ways.getByLabel(zh.provision.licence_choose, { exact: true });
  await expect(choose.locator("option")).toHaveCount(1);
  const number = (await choose.locator("option").first().getAttribute("value"))!;
  expect(number).toMatch(/^MKT-0002-\d{8}-\d{6}$/);
  await ways.getByRole("button", { name: zh.provision.licence_button, exact: true }).click();
  await page.waitForURL(/provided=business_licence/);
  await expect(materialStatus(page, "business_licence")).toHaveText(fill(zh.provision.provided_licence, { number }));
  await checkA11y(page, { label: "materials step, licence reused" });
  for (const code of ["application_form", "floor_plan", "commitment_letter", "hygiene_test_report"]) await uploadMaterial(page, code, pdfFile(`${code}.pdf`));
  await continueToCheck(page);
  const second = await submitFromCheck(page);

  await loginAs(staff, STAFF.window);
  await findCase(staff, zh.admin.tab_intake, second);
  await expect(staff.getByTestId("provided-business_licence")).toContainText(fill(zh.provision.clerk_licence, { number }));
  await expect(staff.getByTestId("reductions")).toContainText(new RegExp(escapeRegExp(fill(zh.provision.reductions, { reused: "1", deferred: "0", committed: "0", trips: "1" }))));

  await logout(staff);

  // Instant approval (秒批): social insurance registration with the business licence
  // taken from the e-licence store is approved and completed on submission.
  const insurance = (employer: string) => ({
    applicant_name: name,
    applicant_phone: phone,
    employer_credit_code: CLEAN_OPERATOR,
    employer_name: employer,
    established_date: "2026-01-05",
    employee_count: "3",
  });
  await page.goto("/services/HRS-0003");
  await expect(page.getByTestId("guide-instant")).toHaveText(zh.instant.guide);
  await answerItem(page, "HRS-0003", insurance(`${name}小吃店`));
  await otherWays(page, "business_licence").getByRole("button", { name: zh.provision.licence_button, exact: true }).click();
  await page.waitForURL(/provided=business_licence/);
  await continueToCheck(page);
  const instant = await submitFromCheck(page);
  await expect(page.getByTestId("instant-approved")).toContainText(zh.instant.receipt_approved);
  await expect(page.getByTestId("instant-approved")).toContainText(zh.status.issued);
  await checkA11y(page, { label: "receipt, approved instantly" });
  await page.getByTestId("instant-approved").getByRole("link", { name: zh.instant.receipt_result, exact: true }).click();
  await expect(lookupTimeline(page).filter({ hasText: zh.instant.approved_event })).toHaveCount(1);
  await expect(lookupTimeline(page).filter({ hasText: zh.status.issued })).toHaveCount(1);

  // Without the e-licence (an upload instead) it falls back to people, the reason on record.
  const other = await (await page.context().browser()!.newContext({ baseURL: test.info().project.use.baseURL, locale: "zh-CN" })).newPage();
  await answerItem(other, "HRS-0003", { ...insurance(`${name}二店`), applicant_phone: uniquePhone() });
  await uploadMaterial(other, "business_licence", pdfFile("licence.pdf"));
  await continueToCheck(other);
  const manual = await submitFromCheck(other);
  const reason = fill(zh.instant.not_reused, { material: "营业执照" });
  await expect(other.getByTestId("instant-fallback")).toContainText(reason);
  await loginAs(staff, STAFF.window);
  await findCase(staff, zh.admin.tab_intake, manual);
  await expect(caseStatus(staff)).toHaveText(zh.status.submitted);
  await expect(staff.getByText(reason)).toHaveCount(1);
  expect(instant).not.toEqual(manual);

  // Social insurance is done: it is no longer offered; the rest still is, and the
  // offer's message was sent once.
  await expectOffers(page, ["TAX-0001", "GJJ-0002"]);
  await expect(page.getByTestId("offers").getByRole("link", { name: offerLink("HRS-0003") })).toHaveCount(0);
});

const offerLink = (code: string) => fill(zh.account.offer_apply, { service: readCatalogItem(code).name });

/** "Me" offers these items (the sweep runs every second in the tests), and the offer's one message has been delivered. */
async function expectOffers(page: Page, codes: string[]): Promise<void> {
  const offers = page.getByTestId("offers");
  const message = page.getByTestId("my-messages").locator("li").filter({ hasText: "您的营业执照已办好" });
  await expect(async () => {
    await page.goto("/me");
    await expect(offers).toBeVisible({ timeout: 500 });
    await expect(message).toHaveCount(1, { timeout: 500 });
  }).toPass({ timeout: 30_000 });
  for (const code of codes) await expect(offers.getByRole("link", { name: offerLink(code) })).toBeVisible();
  await expect(message).toContainText(readCatalogItem("TAX-0001").name);
}
