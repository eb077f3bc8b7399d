/**
 * The richer form engine without JavaScript: the server applies the same
 * conditions, groups and rules. A question that becomes relevant is shown on the
 * way back with its message; "add another" posts and comes back with the new
 * entry; a rule's message is the item's own; and the handheld form steps over a
 * question that does not apply, numbering only those that do.
 */
import { test, expect, type Page } from "@playwright/test";
import { MATERIALS_URL, VALID_IDS, errorSummary, fill, uniqueName, uniquePhone, zh } from "../helpers";

function answer(page: Page, key: string) {
  return page.locator(`[id="field-${key}"]`);
}

test("the answers page steps through conditions, group entries and rules on the server", async ({ page }) => {
  await page.goto("/services/CIV-0001/apply");
  await expect(page.locator("form[data-hydrated]")).toHaveCount(0);
  await expect(answer(page, "spouse_name")).toBeHidden();
  await answer(page, "applicant_name").fill(uniqueName("无脚本低保"));
  await answer(page, "applicant_id_number").fill(VALID_IDS[0]);
  await answer(page, "applicant_phone").fill(uniquePhone());
  await answer(page, "home_address").fill("福州市鼓楼区东街123号");
  await answer(page, "marital_status").selectOption("married");
  await answer(page, "household_monthly_income").fill("1800");
  await answer(page, "reason").fill("家中老人长期患病，收入微薄，生活困难");
  await page.getByRole("button", { name: zh.apply.save_and_continue, exact: true }).click();
  // Married: the spouse is now asked, with the reason it holds the form back.
  await expect(errorSummary(page, zh.apply.error_summary_title)).toContainText(`配偶姓名: ${zh.errors.required}`);
  await expect(answer(page, "spouse_name")).toBeVisible();
  await answer(page, "spouse_name").fill("李秀英");
  await answer(page, "spouse_id_number").fill(VALID_IDS[2]);

  await page.getByRole("button", { name: fill(zh.apply.add_entry_named, { group: "其他共同生活的家庭成员" }) }).click();
  await expect(page).toHaveURL(/[?&]entry=1/);
  // The new entry is not wrong yet; what was typed is kept.
  await expect(page.getByRole("alert")).toHaveCount(0);
  await expect(answer(page, "spouse_name")).toHaveValue("李秀英");
  await expect(answer(page, "household_members.1.name")).toBeVisible();
  await expect(answer(page, "household_members.2.name")).toBeHidden();
  await answer(page, "household_members.1.name").fill("张大伟");
  await answer(page, "household_members.1.relation").selectOption("other");
  await answer(page, "household_members.1.id_number").fill(VALID_IDS[1]);
  await answer(page, "household_members.1.monthly_income").fill("1200");
  await page.getByRole("button", { name: zh.apply.save_and_continue, exact: true }).click();
  // "Other" relation: which one is asked now, inside the entry.
  await expect(errorSummary(page, zh.apply.error_summary_title)).toContainText(`其他共同生活的家庭成员（第 1 项） · 具体关系: ${zh.errors.required}`);
  await answer(page, "household_members.1.relation_other").fill("外甥");
  await page.getByRole("button", { name: zh.apply.save_and_continue, exact: true }).click();
  await expect(page).toHaveURL(MATERIALS_URL);
});

test("a rule between two dates is the server's too, with the item's message", async ({ page }) => {
  await page.goto("/services/HRS-0002/apply");
  await answer(page, "applicant_name").fill(uniqueName("失业金"));
  await answer(page, "applicant_id_number").fill(VALID_IDS[1]);
  await answer(page, "applicant_phone").fill(uniquePhone());
  await answer(page, "former_employer_credit_code").fill("91350102MA0000C1DY");
  await answer(page, "employment_start_date").fill("2024-05-01");
  await answer(page, "employment_end_date").fill("2023-05-01");
  await answer(page, "separation_reason").selectOption("contract_expired");
  await answer(page, "bank_account").fill("6222020200112233445");
  await page.getByRole("button", { name: zh.apply.save_and_continue, exact: true }).click();
  await expect(page.locator("#field-employment_end_date-error")).toHaveText("离职日期须晚于入职日期");
  await expect(errorSummary(page, zh.apply.error_summary_title)).toContainText("离职日期须晚于入职日期");
  await answer(page, "employment_end_date").fill("2025-05-01");
  await page.getByRole("button", { name: zh.apply.save_and_continue, exact: true }).click();
  await expect(page).toHaveURL(MATERIALS_URL);
});

test("the handheld form steps over a question that does not apply", async ({ page }) => {
  const counter = (n: number, total: number) => expect(page.getByTestId("question-counter")).toHaveText(fill(zh.apply.question_of, { n: String(n), total: String(total) }));
  const next = () => page.getByRole("button", { name: zh.apply.next_question, exact: true }).click();
  await page.goto("/m/services/CIV-0002/apply");
  // Whoever applies is not yet answered: the proxy's name is not counted.
  await counter(1, 7);
  await answer(page, "applicant_name").fill(uniqueName("高龄"));
  await next();
  await answer(page, "applicant_id_number").fill(VALID_IDS[0]);
  await next();
  await answer(page, "applicant_phone").fill(uniquePhone());
  await next();
  await answer(page, "household_address").fill("福州市鼓楼区东街123号");
  await next();
  await counter(5, 7);
  await answer(page, "applicant_birth_date").fill("1950-01-01");
  await next();
  // The rule is judged on the server, on this question's screen.
  await expect(page).toHaveURL(/[?&]invalid=1/);
  await counter(5, 7);
  await expect(page.locator("#field-applicant_birth_date-error")).toHaveText("出生日期与身份证号码中的出生日期不一致，请核对");
  await answer(page, "applicant_birth_date").fill("1949-12-31");
  await next();
  await counter(6, 7);
  await answer(page, "applied_by").selectOption("family");
  await next();
  // A family member applies: their name is asked, and counted.
  await counter(7, 8);
  await expect(answer(page, "proxy_name")).toBeVisible();
  await page.getByRole("link", { name: zh.apply.previous_question }).click();
  await counter(6, 8);
  await answer(page, "applied_by").selectOption("self");
  await next();
  await counter(7, 7);
  await expect(answer(page, "bank_account")).toBeVisible();
  await answer(page, "bank_account").fill("6222020200112233445");
  await page.getByRole("button", { name: zh.apply.save_and_continue, exact: true }).click();
  await expect(page).toHaveURL(MATERIALS_URL);
});
