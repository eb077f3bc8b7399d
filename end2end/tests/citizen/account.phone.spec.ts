/**
 * Citizen accounts on a phone: sign in on /m/me with the mobile number and a code
 * sent by text message (read from the demo message box, which stands in for the
 * phone), a wrong code refused with the tries left, the code used only once; the
 * case filed earlier without signing in is claimed and shows in "my cases"; an
 * application typed while signed in (kept in the account as it is typed, never
 * sent) is continued on a second phone.
 */
import { test, expect, devices, type Browser, type Page } from "@playwright/test";
import {
  APPLY_PATH,
  askForCode,
  checkA11y,
  codeFromDemoBox,
  enterCode,
  completeApplicationWithPhone,
  errorSummary,
  field,
  fill,
  fillHltForm,
  maskedPhone,
  hltItem,
  uniqueName,
  uniquePhone,
  validHltAnswers,
  waitForFormHydration,
  zh,
} from "../helpers";

async function secondPhone(browser: Browser): Promise<Page> {
  const context = await browser.newContext({ ...devices["Pixel 7"], baseURL: test.info().project.use.baseURL, locale: "zh-CN" });
  return context.newPage();
}

test("sign in by code, claim the case filed before, and continue an application on a second phone", async ({ page, browser }) => {
  const phone = uniquePhone();
  const name = uniqueName("账户");

  // Filed without an account, with this number.
  await page.goto(APPLY_PATH);
  const tracking = await completeApplicationWithPhone(page, name, phone);

  // Signed out, "me" offers sign-in; a number that is not one is refused first.
  await page.goto("/m/me");
  await checkA11y(page, { label: "/m/me signed out" });
  await page.getByLabel(zh.account.phone, { exact: true }).fill("1380013");
  await page.getByRole("button", { name: zh.account.send_code, exact: true }).click();
  await expect(errorSummary(page, zh.account.error_title)).toContainText(zh.account.error_phone_invalid);
  await checkA11y(page, { label: "/m/me refused number" });

  const code = await askForCode(page, phone);
  await checkA11y(page, { label: "/m/me code form" });
  const wrong = code === "000000" ? "111111" : "000000";
  await enterCode(page, wrong);
  await expect(errorSummary(page, zh.account.error_title)).toContainText(fill(zh.account.error_code_wrong, { left: "4" }));
  await enterCode(page, code);
  await expect(page.getByTestId("signed-in-as")).toHaveText(fill(zh.account.signed_in_as, { phone: maskedPhone(phone) }));
  await checkA11y(page, { label: "/m/me signed in" });

  // The earlier case is offered, claimed, and then in "my cases", opened without the digits.
  const claimable = page.getByTestId("claimable");
  await expect(claimable).toContainText(tracking);
  await claimable.getByRole("button", { name: `${zh.account.claim} ${tracking}` }).click();
  await expect(page.getByRole("status").filter({ hasText: fill(zh.account.claimed, { tracking }) })).toBeVisible();
  await expect(page.getByTestId("claimable")).toHaveCount(0);
  const mine = page.getByTestId("my-cases");
  await expect(mine).toContainText(tracking);
  await mine.getByRole("link").first().click();
  await expect(page).toHaveURL(/\/m\/track\?number=.*&mine=1/);
  await expect(page.getByTestId("current-status")).toHaveText(zh.status.submitted);
  await expect(page.getByRole("region", { name: zh.track.result_title })).toContainText(zh.account.claimed_event);

  // The same code twice: used up.
  const other = await secondPhone(browser);
  await other.goto(`/m/me?phone=${phone}&sent=1`);
  await enterCode(other, code);
  await expect(errorSummary(other, zh.account.error_title)).toContainText(zh.account.error_code_used);

  // Signed in, an application saved on this phone …
  await page.goto(APPLY_PATH);
  await waitForFormHydration(page);
  const draftName = uniqueName("续填");
  // Typed only, never sent: the form keeps the answers in the account by itself.
  await fillHltForm(page, { ...validHltAnswers(draftName), applicant_phone: phone });
  await expect(page.getByTestId("synced")).toHaveText(zh.apply.synced);

  // … is continued on a second phone after signing in there (no minute's wait:
  // the first code was used).
  const secondCode = await askForCode(other, phone);
  await enterCode(other, secondCode);
  const drafts = other.getByTestId("my-drafts");
  await expect(drafts).toContainText(fill(zh.account.continue_draft, { service: hltItem.name }));
  await drafts.getByRole("link").first().click();
  await expect(field(other, "applicant_name")).toHaveValue(draftName);
  await other.context().close();

  // Signed out again: the sign-in form, and the case is no longer shown.
  await page.goto("/m/me");
  await page.getByRole("button", { name: zh.account.sign_out, exact: true }).click();
  await expect(page.getByLabel(zh.account.phone, { exact: true })).toBeVisible();
  await expect(page.getByText(tracking)).toHaveCount(0);
});
