/**
 * Fees as data: the guide shows what an item charges (and what the government
 * pays, 政府免单); an application of a charging item is paid online through the
 * built-in sandbox gateway — a failed payment takes nothing and can be tried
 * again, a paid one shows on the receipt, the lookup and the clerk's case page.
 */
import { test, expect } from "@playwright/test";
import {
  MATERIALS_URL,
  STAFF,
  checkA11y,
  continueFromAnswers,
  continueToCheck,
  fill,
  findCase,
  loginAs,
  pdfFile,
  readCatalogItem,
  submitFromCheck,
  uniqueName,
  uploadMaterial,
  zh,
} from "../helpers";

const MORTGAGE = "BDC-0002";

test("a charging item is paid online: the sandbox fails once, then pays", async ({ page }) => {
  await page.goto(`/services/${MORTGAGE}`);
  await expect(page.getByTestId("guide-charge")).toHaveText(fill(zh.fee.guide_charge, { amount: "80.00" }));
  await page.goto("/services/MKT-0001");
  await expect(page.getByTestId("guide-charge")).toHaveText(fill(zh.fee.guide_waived, { amount: "300.00" }));

  const item = readCatalogItem(MORTGAGE);
  await page.goto(`/services/${MORTGAGE}/apply`);
  await expect(page.locator('form[data-hydrated="true"]')).toHaveCount(1);
  const answers: Record<string, string> = {
    applicant_name: uniqueName("缴费"),
    applicant_phone: "13800138000",
    applicant_id_number: "350102199003071234",
    mortgagee_credit_code: "91350100M000100Y43",
    title_certificate_number: "闽（2024）福州市不动产权第0123456号",
    secured_amount: "80",
    debt_end_date: "2036-12-31",
  };
  for (const [name, value] of Object.entries(answers)) await page.locator(`#field-${name}`).fill(value);
  await continueFromAnswers(page);
  await expect(page).toHaveURL(MATERIALS_URL);
  for (const m of item.materials.filter((x) => x.required)) await uploadMaterial(page, m.code, pdfFile(`${m.code}.pdf`));
  await continueToCheck(page);
  const tracking = await submitFromCheck(page);

  const fee = page.getByRole("region", { name: zh.fee.title });
  await expect(fee.getByTestId("fee-status")).toHaveText(`${fill(zh.fee.amount, { amount: "80.00" })} · ${zh.fee.unpaid}`);
  await checkA11y(page, { label: "receipt with a fee to pay" });

  // The sandbox gateway fails the payment: nothing taken, still to pay.
  await fee.getByRole("button", { name: zh.fee.pay, exact: true }).click();
  await expect(page).toHaveURL(/\/pay\/sandbox\//);
  await expect(page.getByTestId("checkout-amount")).toHaveText(fill(zh.fee.amount, { amount: "80.00" }));
  await checkA11y(page, { label: "sandbox checkout" });
  await page.getByRole("button", { name: zh.fee.sandbox_fail, exact: true }).click();
  await expect(page).toHaveURL(/\/receipt\/.*payment=failed/);
  await expect(fee.getByRole("alert")).toHaveText(zh.fee.failed_now);
  await expect(fee.getByTestId("fee-status")).toContainText(zh.fee.unpaid);

  // Again, and it goes through.
  await fee.getByRole("button", { name: zh.fee.pay, exact: true }).click();
  await page.getByRole("button", { name: zh.fee.sandbox_pay, exact: true }).click();
  await expect(page).toHaveURL(/\/receipt\/.*payment=paid/);
  await expect(fee.getByRole("status")).toHaveText(zh.fee.paid_now);
  await expect(fee.getByTestId("fee-status")).toContainText(zh.fee.paid);
  await expect(fee.getByRole("button", { name: zh.fee.pay })).toHaveCount(0);

  // The clerk sees it paid; the timeline has both attempts.
  await loginAs(page, STAFF.window);
  await findCase(page, zh.admin.tab_intake, tracking);
  await expect(page.getByTestId("case-fee")).toHaveText(`${fill(zh.fee.amount, { amount: "80.00" })} · ${zh.fee.paid}`);
});
