/**
 * The back office (一窗受理, 后台分类审批, 统一窗口出件) with JavaScript on: a
 * parallel review that waits for both departments, issuance with an e-licence
 * checked on the public verification page, a rejected parallel review with its
 * legal basis, the correction loop with the deadline clock paused on both sides,
 * who may not see what (in the browser), and the working-day calendar. axe-core
 * runs on every admin page visited. Every test makes its own cases.
 */
import { test, expect, type Page } from "@playwright/test";
import {
  MOBILE,
  MOBILE_LAST_FOUR,
  STAFF,
  VALID_IDS,
  applyForItem,
  caseStatus,
  caseTimeline,
  checkA11y,
  compactTracking,
  decide,
  errorSummary,
  escapeRegExp,
  findCase,
  fill,
  hltItem,
  hltLabel,
  hltRequiredMaterials,
  loginAs,
  logout,
  lookUp,
  lookupTimeline,
  pdfFile,
  readCatalogItem,
  submitApplication,
  templatePattern,
  uniqueName,
  zh,
} from "../helpers";

const BDC = "BDC-0003"; // 存量房转移登记: natural_resources + tax review in parallel
const bdcItem = readCatalogItem(BDC);
const ESTATE = "不动产登记"; // part of the natural_resources department's name
const TAX = "税务";

function resaleAnswers(buyer: string): Record<string, string> {
  return {
    applicant_name: buyer,
    applicant_id_number: VALID_IDS[2],
    applicant_phone: MOBILE,
    seller_name: `${buyer}卖方`.slice(0, 30),
    seller_id_number: VALID_IDS[1],
    contract_number: `WQ${Date.now()}`,
    contract_date: "2026-01-15",
    property_location: "鼓楼区东街街道八一七北路68号3座502单元",
  };
}

/** Applies for BDC-0003 and returns the tracking number. */
async function applyForResale(page: Page, buyer: string, delivery?: Parameters<typeof applyForItem>[3]["delivery"]): Promise<string> {
  return applyForItem(page, BDC, resaleAnswers(buyer), { probe: "contract_date", delivery });
}

/** The row of the reviews table for a department (by part of its name). */
function reviewRow(page: Page, department: string) {
  return page.getByTestId("reviews").locator("tbody tr").filter({ hasText: department });
}

/** "已办理：受理" after a decision. */
async function expectDone(page: Page, actionLabel: string): Promise<void> {
  await expect(page.getByRole("status").filter({ hasText: fill(zh.admin.done, { action: actionLabel }) })).toBeVisible();
}

/** The district window accepts the case (and signs out). */
async function acceptAtWindow(page: Page, tracking: string): Promise<void> {
  await loginAs(page, STAFF.window);
  await findCase(page, zh.admin.tab_intake, tracking);
  await decide(page, zh.action.accept);
  await expectDone(page, zh.action.accept);
  await logout(page);
}

/** What the public verification page shows as the holder: `mask_name` in src/domain/licence.rs. */
function maskName(name: string): string {
  const c = [...name.trim()];
  if (c.length === 0) return "";
  if (c.length === 1) return "*";
  if (c.length <= 4) return c[0] + "*".repeat(c.length - 1);
  return c.slice(0, 2).join("") + "****" + c.slice(-2).join("");
}

test.describe("back office, JavaScript on", () => {
  test("parallel review waits for both departments; the issued licence verifies publicly", async ({ page }) => {
    test.slow();
    const buyer = uniqueName("并联");
    const address = "福州市鼓楼区乌山西路318号 邮编350001";
    const tracking = await applyForResale(page, buyer, { kind: "post", address });

    // --- The window accepts; the deadline starts with its reason -------------------
    await loginAs(page, STAFF.window);
    await findCase(page, zh.admin.tab_intake, tracking);
    await expect(caseStatus(page)).toHaveText(zh.status.submitted);
    await expect(page.getByRole("definition").filter({ hasText: address })).toBeVisible();
    await expect(page.getByTestId("case-deadline")).toHaveText(zh.deadline.not_started);
    await checkA11y(page, { label: "case (window, parallel)" });
    await decide(page, zh.action.accept);
    await expectDone(page, zh.action.accept);
    await expect(caseStatus(page)).toHaveText(zh.status.accepted);
    // Accepted: both departments' reviews are open at once.
    await expect(page.getByRole("heading", { level: 2, name: zh.admin.reviews_parallel })).toBeVisible();
    await expect(page.getByTestId("reviews").locator("tbody tr")).toHaveCount(2);
    await expect(reviewRow(page, ESTATE)).toContainText(zh.review.pending);
    await expect(reviewRow(page, TAX)).toContainText(zh.review.pending);
    // "2026-11-24 受理 + 3 个工作日 … → 2026-11-27 到期"
    await expect(page.getByTestId("deadline-reason")).toHaveText(templatePattern(`${zh.deadline.accepted_plus}{rest}${zh.deadline.due}`));
    const due = (await page.getByTestId("deadline-reason").innerText()).match(/→ (\d{4}-\d{2}-\d{2})/)![1];
    await logout(page);

    // --- The estate registration department approves its part ----------------------
    await loginAs(page, STAFF.estate);
    await findCase(page, zh.admin.tab_review, tracking);
    await checkA11y(page, { label: "case (estate reviewer)" });
    await expect(reviewRow(page, ESTATE)).toContainText(zh.review.pending);
    await decide(page, zh.action.approve, "权属清楚，材料齐全");
    await expectDone(page, zh.action.approve);
    // Still waiting for tax: not approved yet.
    await expect(caseStatus(page)).toHaveText(zh.status.under_review);
    await expect(reviewRow(page, ESTATE)).toContainText(zh.review.approved);
    // A department sees its own part only, never another's.
    await expect(page.getByTestId("reviews").locator("tbody tr")).toHaveCount(1);
    await expect(reviewRow(page, TAX)).toHaveCount(0);
    await logout(page);

    // The applicant sees each department's part while it waits.
    await lookUp(page, tracking, MOBILE_LAST_FOUR);
    await expect(page.getByTestId("current-status")).toHaveText(zh.status.under_review);
    const parts = page.getByTestId("track-reviews").getByRole("listitem");
    await expect(parts).toHaveCount(2);
    await expect(parts.filter({ hasText: ESTATE })).toContainText(zh.review.approved);
    await expect(page.getByTestId("due-on")).toHaveText(due);

    // --- Tax approves: now the case is approved ---------------------------------------
    await loginAs(page, STAFF.tax);
    await findCase(page, zh.admin.tab_review, tracking);
    await decide(page, zh.action.approve, "税费已缴清");
    await expectDone(page, zh.action.approve);
    await expect(caseStatus(page)).toHaveText(zh.status.approved);
    await expect(reviewRow(page, TAX)).toContainText(zh.review.approved);
    await logout(page);

    // --- The issuing window issues; the licence is made ------------------------------
    await loginAs(page, STAFF.issue);
    await findCase(page, zh.admin.tab_issue, tracking);
    await checkA11y(page, { label: "case (issuing clerk)" });
    await decide(page, zh.action.issue);
    await expectDone(page, zh.action.issue);
    await expect(caseStatus(page)).toHaveText(zh.status.issued);
    const licenceNumber = (await page.getByTestId("licence-number").innerText()).trim();
    expect(licenceNumber).toMatch(new RegExp(`^${BDC}-\\d{8}-\\d{6}$`));
    const verifyHref = await page.getByRole("region", { name: zh.licence.title }).getByRole("link").getAttribute("href");
    expect(verifyHref).toMatch(/\/verify\/[A-Z0-9]{20}$/);
    await logout(page);

    // --- Anyone can verify the licence; the holder's name is masked --------------------
    await page.goto(new URL(verifyHref!, page.url()).pathname);
    await expect(page.getByRole("heading", { level: 1, name: zh.licence.verify_title })).toBeVisible();
    await expect(page.getByTestId("verification")).toHaveText(zh.licence.current);
    await expect(page.getByTestId("licence-holder")).toHaveText(maskName(buyer));
    await expect(page.getByText(buyer)).toHaveCount(0);
    await expect(page.getByText(licenceNumber)).toBeVisible();
    await checkA11y(page, { label: "verify" });
    // A code nobody issued.
    await page.goto("/verify/AAAAAAAAAAAAAAAAAAAA");
    await expect(page.getByTestId("verification")).toHaveText(zh.licence.unknown);

    // --- The applicant gets the licence, the messages and an intact record ---------------
    await lookUp(page, tracking, MOBILE_LAST_FOUR);
    await expect(page.getByTestId("current-status")).toHaveText(zh.status.issued);
    const licence = page.getByTestId("licence");
    await expect(licence.getByTestId("licence-number")).toHaveText(licenceNumber);
    await expect(licence.getByRole("img", { name: zh.licence.qr_label }).locator("svg")).toBeVisible();
    await expect(licence.getByRole("button", { name: zh.licence.print })).toBeVisible();
    // Messages go out through the outbox worker: give it a few seconds. One each for
    // accepted, approved and issued, in the applicant's language.
    const messages = page.getByTestId("messages").getByRole("listitem");
    await expect(async () => {
      await page.reload();
      await expect(messages).toHaveCount(3, { timeout: 1_000 });
    }).toPass({ timeout: 30_000, intervals: [500, 1_000, 2_000] });
    for (const template of [zh.notice.accepted, zh.notice.approved, zh.notice.issued]) {
      await expect(messages.filter({ hasText: fill(template, { service: bdcItem.name, tracking }) })).toHaveCount(1);
    }
    await checkA11y(page, { label: "track (issued licence)" });
    await page.getByRole("link", { name: zh.audit.verify }).click();
    await expect(page.getByTestId("record-check")).toHaveText(templatePattern(zh.audit.intact));
    const digest = (await page.getByTestId("chain-head").innerText()).trim();
    expect(digest).toMatch(/^[0-9a-f]{64}$/);
  });

  test("a rejected parallel review rejects the case with its reason and legal basis", async ({ page }) => {
    test.slow();
    const buyer = uniqueName("驳回");
    const tracking = await applyForResale(page, buyer);
    const reason = "契税尚未缴纳";
    const basis = "《中华人民共和国契税法》第九条";

    await acceptAtWindow(page, tracking);

    await loginAs(page, STAFF.tax);
    await findCase(page, zh.admin.tab_review, tracking);
    // A rejection without its legal basis is turned down and changes nothing.
    await decide(page, zh.action.reject, reason);
    await expect(errorSummary(page, zh.admin.error_title)).toContainText(zh.admin.legal_basis_required);
    await expect(caseStatus(page)).toHaveText(zh.status.accepted);
    await checkA11y(page, { label: "case (reject refused)" });
    await page.getByLabel(zh.admin.legal_basis, { exact: true }).fill(basis);
    await decide(page, zh.action.reject, reason);
    await expectDone(page, zh.action.reject);
    await expect(caseStatus(page)).toHaveText(zh.status.rejected);
    await expect(reviewRow(page, TAX)).toContainText(zh.review.rejected);
    await expect(reviewRow(page, TAX)).toContainText(basis);
    await logout(page);

    // The other department has nothing left to decide.
    await loginAs(page, STAFF.estate);
    await page.goto(`/admin/cases/${compactTracking(tracking)}`);
    await expect(caseStatus(page)).toHaveText(zh.status.rejected);
    await expect(page.getByText(zh.admin.no_actions)).toBeVisible();
    await logout(page);

    // The applicant sees the rejection, why, and on what legal basis.
    await lookUp(page, tracking, MOBILE_LAST_FOUR);
    await expect(page.getByTestId("current-status")).toHaveText(zh.status.rejected);
    const last = lookupTimeline(page).last();
    await expect(last).toContainText(reason);
    await expect(last).toContainText(basis);
    await expect(async () => {
      await page.reload();
      await expect(page.getByTestId("messages")).toContainText(basis, { timeout: 1_000 });
    }).toPass({ timeout: 30_000, intervals: [500, 1_000, 2_000] });
  });

  test("correction loop: the applicant fixes only what was named; the clock pauses on both sides", async ({ page }) => {
    test.slow();
    const applicant = uniqueName("补正");
    const tracking = await submitApplication(page, applicant);
    const fixField = "spouse_name";
    const fixMaterial = hltRequiredMaterials[0];
    const untouchedMaterial = hltItem.materials.find((m) => m.code !== fixMaterial.code)!;
    const newSpouse = `${applicant}更正`.slice(0, 30);
    const note = "配偶姓名与身份证不一致，请核对；身份证照片不清晰。";

    await acceptAtWindow(page, tracking);

    // The reviewer asks for a correction; naming nothing is turned down.
    await loginAs(page, STAFF.review);
    await findCase(page, zh.admin.tab_review, tracking);
    await decide(page, zh.action.request_correction, note);
    await expect(errorSummary(page, zh.admin.error_title)).toContainText(zh.admin.nothing_to_correct);
    await expect(caseStatus(page)).toHaveText(zh.status.accepted);
    await page.getByLabel(hltLabel(fixField), { exact: true }).check();
    await page.getByLabel(`${fixMaterial.name}（${zh.admin.material}）`, { exact: true }).check();
    await decide(page, zh.action.request_correction, note);
    await expectDone(page, zh.action.request_correction);
    await expect(caseStatus(page)).toHaveText(zh.status.needs_correction);
    await expect(page.getByTestId("clock-paused")).toHaveText(templatePattern(zh.deadline.paused_since));
    await expect(page.getByTestId("case-deadline")).toContainText(zh.light.paused);
    await checkA11y(page, { label: "case (correction requested)" });
    await logout(page);

    // The applicant sees exactly what to fix, and that the clock is paused.
    await lookUp(page, tracking, MOBILE_LAST_FOUR);
    await expect(page.getByTestId("current-status")).toHaveText(zh.status.needs_correction);
    const needed = page.getByTestId("correction-needed");
    await expect(needed).toContainText(note);
    await expect(needed.getByRole("listitem")).toHaveText([hltLabel(fixField), fixMaterial.name]);
    await expect(needed.getByTestId("clock-paused")).toHaveText(templatePattern(zh.deadline.paused_since));
    await checkA11y(page, { label: "track (correction needed)" });
    await needed.getByRole("link", { name: zh.correction.start }).click();

    // Only the named answer and the named material are offered.
    await expect(page).toHaveURL(new RegExp(`/track/${compactTracking(tracking)}/correct`));
    await expect(page.getByRole("heading", { level: 1, name: zh.correction.title })).toBeVisible();
    await checkA11y(page, { label: "correction" });
    await expect(page.locator('input[name^="answers["], select[name^="answers["], textarea[name^="answers["]')).toHaveCount(1);
    await expect(page.locator('input[type="file"]')).toHaveCount(1);
    await expect(page.locator(`#file-${untouchedMaterial.code}`)).toHaveCount(0);
    const replacement = pdfFile("clearer-scan.pdf");
    await page.setInputFiles(`#file-${fixMaterial.code}`, replacement);
    await page.locator(`#material-${fixMaterial.code}`).getByRole("button", { name: zh.materials.upload, exact: true }).click();
    await expect(page.getByRole("status").filter({ hasText: zh.materials.saved })).toBeVisible();
    await expect(page.locator(`#material-${fixMaterial.code}`)).toContainText(fill(zh.correction.current_file, { name: replacement.name }));
    // A blank answer is refused with the field's own message, and nothing is lost.
    const answer = page.getByLabel(hltLabel(fixField), { exact: true });
    await answer.fill("");
    await page.getByRole("button", { name: zh.correction.resubmit, exact: true }).click();
    await expect(errorSummary(page, zh.correction.error_title)).toBeVisible();
    await page.getByLabel(hltLabel(fixField), { exact: true }).fill(newSpouse);
    await page.getByRole("button", { name: zh.correction.resubmit, exact: true }).click();

    // Back on the lookup: resubmitted, the clock running again.
    await expect(page).toHaveURL(/\/track\?.*resubmitted=1/);
    await expect(page.getByRole("status").filter({ hasText: zh.correction.resubmitted })).toBeVisible();
    await expect(page.getByTestId("current-status")).toHaveText(zh.status.under_review);
    await expect(page.getByTestId("correction-needed")).toHaveCount(0);
    const steps = lookupTimeline(page);
    await expect(steps.filter({ hasText: zh.status.needs_correction })).toHaveCount(1);
    await expect(steps.filter({ hasText: note })).toHaveCount(1);

    // The clerk sees the corrected answer, the new file, and the pause in the timeline.
    await loginAs(page, STAFF.review);
    await page.goto(`/admin/cases/${compactTracking(tracking)}`);
    await expect(caseStatus(page)).toHaveText(zh.status.under_review);
    await expect(page.getByTestId("clock-paused")).toHaveCount(0);
    await expect(page.getByRole("definition").filter({ hasText: newSpouse })).toBeVisible();
    await expect(page.getByText(replacement.name).first()).toBeVisible();
    await expect(caseTimeline(page).filter({ hasText: zh.status.needs_correction })).toHaveCount(1);
    await expect(page.getByTestId("deadline-reason")).toHaveText(/→ \d{4}-\d{2}-\d{2}/);

    // Opening a material is itself recorded (查阅留痕).
    const viewed = caseTimeline(page).filter({ hasText: zh.review.material_viewed });
    const before = await viewed.count();
    const viewLink = page.getByRole("link", { name: new RegExp(`^${escapeRegExp(zh.admin.view_file)}\\s+${escapeRegExp(replacement.name)}$`) });
    const preview = page.waitForResponse((r) => r.url().includes("/admin/materials/") && r.status() === 200);
    await viewLink.click();
    await preview;
    await page.reload();
    await expect(viewed).toHaveCount(before + 1);
    await expect(viewed.last()).toContainText(replacement.name);
    // Served inline under a sandboxing CSP. (Asked for again outside the page: the
    // browser's PDF viewer reports its own headers for the framed response.)
    const served = await page.request.get((await viewLink.getAttribute("href"))!);
    expect(served.headers()["content-disposition"]).toMatch(/^inline; filename\*=UTF-8''clearer-scan\.pdf$/);
    expect(served.headers()["content-security-policy"]).toMatch(/^sandbox;/);
    expect(served.headers()["content-type"]).toBe("application/pdf");
    await decide(page, zh.action.approve);
    await expect(caseStatus(page)).toHaveText(zh.status.approved);
    await logout(page);
  });

  test("who may not see or do what: another department, another site, a supervisor, no one", async ({ page }) => {
    test.slow();
    // Online delivery: handled at the district centre. Collection at Dongjie: that site.
    const districtCase = await submitApplication(page, uniqueName("区级"));
    const dongjieCase = await applyForResale(page, uniqueName("东街"), { kind: "collect", siteName: "东街街道便民服务中心" });
    const notFound = async (tracking: string) => {
      const answer = await page.goto(`/admin/cases/${compactTracking(tracking)}`);
      expect(answer?.status()).toBe(404);
      await expect(page.getByRole("heading", { level: 1, name: zh.common.not_found_title })).toBeVisible();
      await expect(page.getByText(compactTracking(tracking))).toHaveCount(0);
    };

    // Anonymous: to the sign-in page.
    await page.goto(`/admin/cases/${compactTracking(districtCase)}`);
    await expect(page).toHaveURL(/\/admin\/login/);

    // A reviewer of another department: "not found", and not in any of their queues.
    await loginAs(page, STAFF.market);
    await notFound(districtCase);
    await checkA11y(page, { label: "not found (market reviewer)" });
    await page.goto(`/admin?tab=review&q=${compactTracking(districtCase)}`);
    await expect(page.getByText(zh.admin.empty_queue)).toBeVisible();
    await logout(page);

    // A town window sees its own site's case but not the district's.
    await loginAs(page, STAFF.dongjieWindow);
    await notFound(districtCase);
    await findCase(page, zh.admin.tab_intake, dongjieCase);
    await expect(caseStatus(page)).toHaveText(zh.status.submitted);
    await expect(page.getByRole("button", { name: zh.action.accept, exact: true })).toBeVisible();
    await checkA11y(page, { label: "case (town window)" });
    await logout(page);

    // A supervisor sees everything and acts on nothing.
    await loginAs(page, STAFF.supervisor);
    await checkA11y(page, { label: "queue (supervisor)" });
    await expect(page.getByLabel(zh.admin.col_department, { exact: true })).toBeVisible();
    for (const tracking of [districtCase, dongjieCase]) {
      await page.goto(`/admin/cases/${compactTracking(tracking)}`);
      await expect(caseStatus(page)).toHaveText(zh.status.submitted);
      await expect(page.getByText(zh.admin.no_actions)).toBeVisible();
      await expect(page.getByRole("button", { name: zh.action.accept, exact: true })).toHaveCount(0);
    }
    await checkA11y(page, { label: "case (supervisor)" });
    // A decision posted by hand is refused all the same, and changes nothing.
    const post = await page.request.post("/api/staff/decide", {
      form: { tracking: compactTracking(districtCase), seen_status: "submitted", action: "accept", note: "" },
      headers: { Accept: "text/html", Origin: new URL(page.url()).origin },
      maxRedirects: 0,
    });
    expect([302, 303, 403]).toContain(post.status());
    await page.goto(`/admin/cases/${compactTracking(districtCase)}`);
    await expect(caseStatus(page)).toHaveText(zh.status.submitted);
    await logout(page);

    // A request from another site's page is refused by the origin check.
    const foreign = await page.request.post("/api/lookup", {
      form: { number: compactTracking(districtCase), phone: MOBILE_LAST_FOUR },
      headers: { Origin: "https://evil.example" },
    });
    expect(foreign.status()).toBe(403);
  });

  test("the admin edits the working-day calendar with a reason, and the edit is recorded", async ({ page }) => {
    await loginAs(page, STAFF.admin);
    await page.getByRole("link", { name: zh.calendar.title, exact: true }).first().click();
    await expect(page).toHaveURL(/\/admin\/calendar/);
    await expect(page.getByRole("heading", { level: 1, name: zh.calendar.title })).toBeVisible();
    await checkA11y(page, { label: "calendar" });
    const year = page.locator("form").filter({ has: page.getByRole("button", { name: fill(zh.calendar.save, { year: "2026" }) }) });
    // A blank reason (the browser's `required` is satisfied by spaces): refused.
    const form = page.locator("form").filter({ has: page.getByRole("button", { name: fill(zh.calendar.save, { year: "2026" }) }) });
    await form.getByLabel(zh.calendar.reason, { exact: true }).fill("   ");
    await form.getByRole("button", { name: fill(zh.calendar.save, { year: "2026" }) }).click();
    await expect(errorSummary(page, zh.calendar.error_title)).toContainText(zh.calendar.error_reason);
    const why = `核对国办发明电〔2025〕7号 ${uniqueName("")}`;
    await form.getByLabel(zh.calendar.reason, { exact: true }).fill(why);
    await form.getByRole("button", { name: fill(zh.calendar.save, { year: "2026" }) }).click();
    await expect(page.getByRole("status").filter({ hasText: fill(zh.calendar.saved, { year: "2026" }) })).toBeVisible();
    await expect(page.getByText(why)).toBeVisible();
    await checkA11y(page, { label: "calendar (saved)" });
    await logout(page);

    // A window clerk has no calendar to edit.
    await loginAs(page, STAFF.window);
    await expect(page.getByRole("link", { name: zh.calendar.title, exact: true })).toHaveCount(0);
    const answer = await page.goto("/admin/calendar");
    expect(answer?.status()).toBe(404);
  });
});
