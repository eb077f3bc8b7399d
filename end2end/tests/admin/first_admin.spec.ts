/**
 * No default passwords outside demo data: the first administrator is made by
 * `portal create-admin` (scripts/test runs it as `first_admin` before starting the
 * server). That account signs in as an administrator; a wrong password does not.
 */
import { test, expect } from "@playwright/test";
import { fill, logout, openLogin, zh } from "../helpers";

async function signIn(page: import("@playwright/test").Page, password: string): Promise<void> {
  await openLogin(page);
  await page.getByLabel(zh.admin.username, { exact: true }).fill("first_admin");
  await page.getByLabel(zh.admin.password, { exact: true }).fill(password);
  await page.getByRole("button", { name: zh.admin.sign_in, exact: true }).click();
}

test("the administrator made by the portal command signs in", async ({ page }) => {
  await signIn(page, "Gulou-Admin-2026-wrong");
  await expect(page).toHaveURL(/\/admin\/login/);
  await expect(page.getByRole("alert")).toBeVisible();
  await signIn(page, "Gulou-Admin-2026");
  await expect(page).toHaveURL(/\/admin(?:\?.*)?$/);
  await expect(page.getByTestId("signed-in-as")).toHaveText(fill(zh.admin.signed_in_as, { name: "first_admin", role: zh.role.admin }));
  await logout(page);
});
