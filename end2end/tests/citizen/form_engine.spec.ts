/**
 * The richer form engine (issue 14 item 1), with JavaScript on: questions that
 * appear only when an earlier answer makes them relevant (CIV-0001: the spouse
 * when married; inside a household member: "which relation" when "other"), a
 * repeating group with "add another" and "remove" (CIV-0001's household
 * members), and a rule between two answers (CIV-0002: the birth date must be the
 * one in the ID number), all judged in the browser by the same domain functions
 * the server runs; the check-your-answers page lists each entry.
 */
import { test, expect, type Page } from "@playwright/test";
import {
  CHECK_URL,
  ID_WITH_WRONG_CHECK_DIGIT,
  MATERIALS_URL,
  VALID_IDS,
  checkA11y,
  continueFromAnswers,
  continueToCheck,
  fill,
  pdfFile,
  uniqueName,
  uniquePhone,
  uploadMaterial,
  zh,
} from "../helpers";

/** An answer's input by its key (`household_members.1.name`: ids hold dots). */
export function answer(page: Page, key: string) {
  return page.locator(`[id="field-${key}"]`);
}

const MEMBERS = "其他共同生活的家庭成员";
const entryHeading = (n: number) => fill(zh.apply.entry_heading, { group: MEMBERS, n: String(n) });

test("questions follow the answers, a household member is added and removed, all checked in the browser", async ({ page }) => {
  await page.goto("/services/CIV-0001/apply");
  await expect(page.locator('form[data-hydrated="true"]')).toHaveCount(1);
  const spouseName = answer(page, "spouse_name");
  await expect(spouseName).toBeHidden();
  await answer(page, "marital_status").selectOption("married");
  await expect(spouseName).toBeVisible();
  await expect(answer(page, "spouse_id_number")).toBeVisible();

  // An optional group starts empty and says so.
  const group = page.locator("#field-household_members");
  await expect(group).toContainText(zh.apply.no_entries);
  const add = page.getByRole("button", { name: fill(zh.apply.add_entry_named, { group: MEMBERS }) });
  await add.click();
  await expect(answer(page, "household_members.1.name")).toBeFocused();
  await expect(group).not.toContainText(zh.apply.no_entries);
  await answer(page, "household_members.1.name").fill("张大伟");
  const other = answer(page, "household_members.1.relation_other");
  await expect(other).toBeHidden();
  // A condition inside an entry looks at the same entry.
  await answer(page, "household_members.1.relation").selectOption("other");
  await expect(other).toBeVisible();
  await other.fill("外甥");
  await answer(page, "household_members.1.id_number").fill(VALID_IDS[1]);
  await answer(page, "household_members.1.monthly_income").fill("1200");
  await add.click();
  await expect(answer(page, "household_members.2.name")).toBeFocused();
  await answer(page, "household_members.2.name").fill("张小雨");
  await answer(page, "household_members.2.relation").selectOption("child");
  await expect(answer(page, "household_members.2.relation_other")).toBeHidden();
  await answer(page, "household_members.2.id_number").fill(ID_WITH_WRONG_CHECK_DIGIT);
  await answer(page, "household_members.2.id_number").blur();
  // The same check and message as any ID field, at the entry's field.
  await expect(page.locator('[id="field-household_members.2.id_number-error"]')).toHaveText(zh.errors.id_check);
  await answer(page, "household_members.2.id_number").fill(VALID_IDS[2]);
  await expect(page.locator('[id="field-household_members.2.id_number-error"]')).toHaveCount(0);
  await answer(page, "household_members.2.monthly_income").fill("0");
  await checkA11y(page, { label: "CIV-0001 form with a group" });

  // Removing the first moves the second up; its condition follows its own answer.
  await page.getByRole("button", { name: fill(zh.apply.remove_entry_named, { entry: entryHeading(1) }) }).click();
  await expect(answer(page, "household_members.1.name")).toHaveValue("张小雨");
  await expect(answer(page, "household_members.1.relation")).toHaveValue("child");
  await expect(answer(page, "household_members.1.relation_other")).toBeHidden();
  await expect(answer(page, "household_members.2.name")).toBeHidden();

  // Married but no spouse given: the browser holds the form back, in the summary.
  const name = uniqueName("低保");
  await answer(page, "applicant_name").fill(name);
  await answer(page, "applicant_id_number").fill(VALID_IDS[0]);
  await answer(page, "applicant_phone").fill(uniquePhone());
  await answer(page, "home_address").fill("福州市鼓楼区东街123号");
  await answer(page, "household_monthly_income").fill("1800");
  await answer(page, "reason").fill("家中老人长期患病，收入微薄，生活困难");
  await continueFromAnswers(page);
  const summary = page.getByRole("alert");
  await expect(summary).toContainText("配偶姓名");
  await expect(page).not.toHaveURL(MATERIALS_URL);
  // Not married after all: the spouse questions go, and nothing holds the form back.
  await answer(page, "marital_status").selectOption("widowed");
  await expect(spouseName).toBeHidden();
  await continueFromAnswers(page);
  await expect(page).toHaveURL(MATERIALS_URL);

  await uploadMaterial(page, "application_and_authorisation", pdfFile("申请书.pdf"));
  await uploadMaterial(page, "household_register", pdfFile("户口簿.pdf"));
  await continueToCheck(page);
  await expect(page).toHaveURL(CHECK_URL);
  const answers = page.locator("dl.summary-list").first();
  await expect(answers).toContainText(`${entryHeading(1)} · 姓名`);
  await expect(answers).toContainText("张小雨");
  await expect(answers).not.toContainText(entryHeading(2));
  await expect(answers).not.toContainText("张大伟");
  await expect(answers).not.toContainText("配偶姓名");
  await checkA11y(page, { label: "check page with a group" });
});

test("a rule between two answers: the birth date must be the one in the ID number", async ({ page }) => {
  await page.goto("/services/CIV-0002/apply");
  await expect(page.locator('form[data-hydrated="true"]')).toHaveCount(1);
  await answer(page, "applicant_id_number").fill(VALID_IDS[0]); // born 1949-12-31
  const born = answer(page, "applicant_birth_date");
  await born.fill("1949-12-30");
  await born.blur();
  const message = "出生日期与身份证号码中的出生日期不一致，请核对";
  await expect(page.locator("#field-applicant_birth_date-error")).toHaveText(message);
  await born.fill("1949-12-31");
  await expect(page.locator("#field-applicant_birth_date-error")).toHaveCount(0);
  const proxy = answer(page, "proxy_name");
  await expect(proxy).toBeHidden();
  await answer(page, "applied_by").selectOption("family");
  await expect(proxy).toBeVisible();
  await answer(page, "applied_by").selectOption("self");
  await expect(proxy).toBeHidden();
});
