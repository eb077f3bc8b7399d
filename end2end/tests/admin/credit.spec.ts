/**
 * Credit lists (信用红黑名单): an administrator puts a person on the black list
 * with reasons (the change is listed in the audit), a change without a reason is
 * refused; that person's application warns the clerk; taking them off is audited.
 */
import { test, expect } from "@playwright/test";
import {
  APPLY_PATH,
  STAFF,
  VALID_IDS,
  checkA11y,
  completeHltApplication,
  fill,
  findCase,
  loginAs,
  logout,
  uniqueName,
  validHltAnswers,
  zh,
} from "../helpers";

/** A valid resident ID number (GB 11643 check character) born on 1960-01-01 with a random sequence. */
function freshResidentId(): string {
  const body = `350102196001${String(1 + Math.floor(Math.random() * 28)).padStart(2, "0")}${String(Math.floor(Math.random() * 1000)).padStart(3, "0")}`;
  const weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  const sum = body.split("").reduce((acc, d, i) => acc + Number(d) * weights[i], 0);
  return body + "10X98765432"[sum % 11];
}

test("a black-listed applicant's case warns the clerk; list changes are audited", async ({ page }) => {
  const person = freshResidentId();
  await loginAs(page, STAFF.admin);
  await page.getByRole("link", { name: zh.credit.title }).click();
  await expect(page).toHaveURL(/\/admin\/credit$/);
  await expect(page.getByTestId("credit-entries")).toContainText(VALID_IDS[0]);
  await checkA11y(page, { label: "/admin/credit" });

  const put = page.locator("form").filter({ has: page.getByRole("heading", { name: zh.credit.put_title }) });
  await put.getByLabel(zh.credit.subject, { exact: true }).fill(person);
  await put.getByLabel(zh.credit.list, { exact: true }).selectOption("black");
  await put.getByLabel(zh.credit.reason_zh, { exact: true }).fill("拒不履行判决（测试）");
  await put.getByLabel(zh.credit.reason_en, { exact: true }).fill("Refused a judgment (test)");
  // No reason for the change: the form is not sent (the server would refuse it too).
  await put.getByRole("button", { name: zh.credit.put, exact: true }).click();
  await expect(put.getByLabel(zh.credit.why, { exact: true })).toHaveJSProperty("validity.valueMissing", true);
  await expect(page).toHaveURL(/\/admin\/credit$/);
  await expect(page.getByTestId("credit-entries")).not.toContainText(person);
  await put.getByLabel(zh.credit.why, { exact: true }).fill("法院通报");
  await put.getByRole("button", { name: zh.credit.put, exact: true }).click();
  await expect(page.getByRole("status").filter({ hasText: zh.credit.saved })).toBeVisible();
  await expect(page.getByTestId("credit-entries")).toContainText(person);
  await expect(page.getByTestId("credit-changes").getByRole("listitem").first()).toContainText("法院通报");
  await logout(page);

  // That person applies; the clerk is warned.
  await page.goto(APPLY_PATH);
  const tracking = await completeHltApplication(page, { ...validHltAnswers(uniqueName("信用")), applicant_id_number: person });
  await loginAs(page, STAFF.window);
  await findCase(page, zh.admin.tab_intake, tracking);
  await expect(page.getByTestId("credit-warning")).toHaveText(fill(zh.credit.case_black, { reason: "拒不履行判决（测试）" }));
  await logout(page);

  // Taken off again, with a reason, audited.
  await loginAs(page, STAFF.admin);
  await page.goto("/admin/credit");
  const remove = page.locator("form").filter({ has: page.getByRole("heading", { name: zh.credit.remove_title }) });
  await remove.getByLabel(zh.credit.subject, { exact: true }).fill(person);
  await remove.getByLabel(zh.credit.why, { exact: true }).fill("测试结束");
  await remove.getByRole("button", { name: zh.credit.remove, exact: true }).click();
  await expect(page.getByRole("status").filter({ hasText: zh.credit.removed })).toBeVisible();
  await expect(page.getByTestId("credit-entries")).not.toContainText(person);
  await expect(page.getByTestId("credit-changes").getByRole("listitem").first()).toContainText("测试结束");
});
