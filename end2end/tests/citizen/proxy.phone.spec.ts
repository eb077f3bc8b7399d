/**
 * Proxy filing (代办) on a phone: a community proxy agent signs in, sends the
 * consent code to the resident's phone (read from the demo message box), enters
 * the code the resident tells them, fills in the ordinary application for the
 * resident and sends it. The agent lists the case; the clerk sees who filed it and
 * how the resident agreed; the resident looks the case up with their own number
 * and is sent the acceptance message as if they had filed.
 */
import { test, expect, devices } from "@playwright/test";
import {
  APPLY_PATH,
  STAFF,
  checkA11y,
  codeFromDemoBox,
  completeApplicationWithPhone,
  decide,
  errorSummary,
  field,
  fill,
  findCase,
  hltItem,
  maskedPhone,
  uniqueName,
  uniquePhone,
  zh,
  DEMO_PASSWORD,
  loginAs,
} from "../helpers";

test("a proxy agent files for a resident with the resident's consent", async ({ page, browser }) => {
  const resident = uniquePhone();
  const name = uniqueName("代办");

  // The agent signs in as staff do and lands on their own page, not the queue.
  await page.goto("/admin/login");
  await page.getByLabel(zh.admin.username, { exact: true }).fill(STAFF.agent.username);
  await page.getByLabel(zh.admin.password, { exact: true }).fill(DEMO_PASSWORD);
  await page.getByRole("button", { name: zh.admin.sign_in, exact: true }).click();
  await expect(page).toHaveURL(/\/agent$/);
  await expect(page.getByTestId("agent-name")).toContainText(STAFF.agent.displayName);
  await checkA11y(page, { label: "/agent" });

  // Consent: a code to the resident's own phone, told to the agent.
  await page.getByLabel(zh.agent.service, { exact: true }).selectOption({ label: hltItem.name });
  await page.getByLabel(zh.agent.resident_phone, { exact: true }).fill(resident);
  await page.getByRole("button", { name: zh.agent.send_code, exact: true }).click();
  await expect(page.getByTestId("consent-sent")).toHaveText(fill(zh.agent.code_sent, { phone: maskedPhone(resident), service: hltItem.name }));
  await checkA11y(page, { label: "/agent code form" });
  const back = page.url();
  const code = await codeFromDemoBox(page, resident);
  await page.goto(back);
  await page.getByLabel(zh.agent.code, { exact: true }).fill(code === "000000" ? "111111" : "000000");
  await page.getByRole("button", { name: zh.agent.start, exact: true }).click();
  await expect(errorSummary(page, zh.agent.error_title)).toContainText(fill(zh.account.error_code_wrong, { left: "4" }));
  await page.getByLabel(zh.agent.code, { exact: true }).fill(code);
  await page.getByRole("button", { name: zh.agent.start, exact: true }).click();

  // The ordinary application, for the resident: their number is the applicant's phone.
  await expect(page).toHaveURL(new RegExp(`${APPLY_PATH}\\?draft=`));
  await expect(page.getByTestId("proxy-banner")).toHaveText(fill(zh.agent.banner, { phone: maskedPhone(resident) }));
  await expect(field(page, "applicant_phone")).toHaveValue(resident);
  const tracking = await completeApplicationWithPhone(page, name, resident);

  await page.goto("/agent");
  await expect(page.getByTestId("filed-cases")).toContainText(tracking);

  // The clerk sees it was filed by proxy, by whom, and how the resident agreed; accepts it.
  const desk = await browser.newContext({ ...devices["Desktop Chrome"], baseURL: test.info().project.use.baseURL, locale: "zh-CN" });
  const clerk = await desk.newPage();
  await loginAs(clerk, STAFF.window);
  await findCase(clerk, zh.admin.tab_intake, tracking);
  await expect(clerk.getByTestId("filed-by-proxy")).toContainText(STAFF.agent.displayName);
  await expect(clerk.getByTestId("filed-by-proxy")).toContainText(maskedPhone(resident));
  await decide(clerk, zh.action.accept);
  await desk.close();

  // The resident looks it up with their own number and sees who filed it and the message.
  const own = await browser.newContext({ ...devices["Pixel 7"], baseURL: test.info().project.use.baseURL, locale: "zh-CN" });
  const phone = await own.newPage();
  await phone.goto(`/m/track?number=${tracking.replace(/-/g, "")}&phone=${resident.slice(7)}`);
  await expect(phone.getByTestId("filed-by-proxy")).toContainText(STAFF.agent.displayName);
  await expect(phone.getByRole("region", { name: zh.track.result_title })).toContainText(zh.actor.proxy);
  // The acceptance message went to the resident's number, as if they had filed
  // (the outbox worker delivers it a moment after the decision: look again).
  await expect(async () => {
    await phone.reload();
    await expect(phone.getByTestId("messages")).toContainText(hltItem.name, { timeout: 1_000 });
  }).toPass({ timeout: 15_000 });
  await checkA11y(phone, { label: "/m/track filed by proxy" });
  await own.close();
});
