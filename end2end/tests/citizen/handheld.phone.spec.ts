/**
 * 掌上办 (/m) on a phone (project "phone": Pixel 7, 360 px wide): the same pages
 * in an app-like frame with a bottom tab bar, links that stay on the handheld
 * version, targets at least 48 px high, no sideways scrolling, axe-core on every
 * page; and the same pages with JavaScript off.
 */
import { test, expect, type Page } from "@playwright/test";
import {
  APPLY_PATH,
  questionCounter,
  readBundle,
  readCatalogItem,
  ID_WITH_WRONG_CHECK_DIGIT,
  fieldError,
  escapeRegExp,
  answerQuestion,
  MATERIALS_URL,
  STAFF,
  bigPngFile,
  caseStatus,
  checkA11y,
  compactTracking,
  continueFromAnswers,
  continueToCheck,
  errorSummary,
  fillHltForm,
  findCase,
  hltItem,
  hltRequiredMaterials,
  jpegSize,
  loginAs,
  materialStatus,
  submitFromCheck,
  uniqueName,
  uploadMaterial,
  validHltAnswers,
  waitForFormHydration,
  zh,
} from "../helpers";

const TABS = [
  { href: "/m", label: zh.nav.tab_home },
  { href: "/m/services", label: zh.nav.tab_services },
  { href: "/m/track", label: zh.nav.tab_track },
  { href: "/m/me", label: zh.nav.tab_me },
];

const PAGES = ["/m", "/m/services", "/m/services?q=sydj", "/m/services/HLT-0001", "/m/bundles", "/m/bundles/BND-0001", "/m/track", "/m/me"];

/** The tab a handheld page lights: bundles (一件事) are services too. */
function currentTab(path: string) {
  const tabPath = path.replace(/^\/m\/bundles/, "/m/services");
  return TABS.filter((t) => tabPath === t.href || tabPath.startsWith(`${t.href}/`) || tabPath.startsWith(`${t.href}?`)).pop()!;
}

/** The tab bar, found by its name. */
function tabBar(page: Page) {
  return page.getByRole("navigation", { name: zh.nav.tabs });
}

/** Fails on any tab, button, field or list link under 48 px high, or on sideways scrolling. */
async function checkPhoneFit(page: Page, where: string): Promise<void> {
  const width = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, view: window.innerWidth }));
  expect(width.scroll, `${where}: no sideways scrolling at ${width.view} px`).toBeLessThanOrEqual(width.view);
  const small = await page.evaluate(() =>
    Array.from(document.querySelectorAll<HTMLElement>(
      ".tab-bar a, .handheld-main button, .handheld-main input:not([type=hidden]):not([type=checkbox]):not([type=radio]), .handheld-main select, .handheld-main h2 a, .handheld-main li > a.link, .menu-list a, .handheld-header a",
    ))
      .filter((el) => el.offsetParent !== null)
      .map((el) => ({ what: `${el.tagName.toLowerCase()} "${(el.textContent || (el as HTMLInputElement).name || "").trim().slice(0, 30)}"`, h: el.getBoundingClientRect().height }))
      .filter((t) => t.h < 47.5),
  );
  expect(small, `${where}: touch targets under 48 px`).toEqual([]);
}

test.describe("handheld version with JavaScript", () => {
  test("every /m page has the tab bar, fits 360 px, has 48 px targets and passes axe", async ({ page }) => {
    for (const path of PAGES) {
      const answer = await page.goto(path);
      expect(answer?.status(), path).toBe(200);
      const bar = tabBar(page);
      await expect(bar.getByRole("link")).toHaveText(TABS.map((t) => t.label));
      await expect(bar.getByRole("link", { name: currentTab(path).label })).toHaveAttribute("aria-current", "page");
      await checkPhoneFit(page, path);
      await checkA11y(page, { label: path });
    }
  });

  test("search by pinyin initials, open the guide, and stay on the handheld version", async ({ page }) => {
    await page.goto("/m");
    await page.getByRole("searchbox", { name: zh.home.search_label }).fill("sydj");
    await page.getByRole("button", { name: zh.home.search_button, exact: true }).click();
    await expect(page).toHaveURL(/\/m\/services\?q=sydj/);
    await page.getByRole("link", { name: hltItem.name, exact: true }).click();
    await expect(page).toHaveURL(/\/m\/services\/HLT-0001$/);
    await expect(page.getByRole("heading", { level: 1, name: hltItem.name })).toBeVisible();
    // The desktop twin of this very page, one tap away.
    await page.getByRole("link", { name: zh.nav.desktop, exact: true }).click();
    await expect(page).toHaveURL(/\/services\/HLT-0001$/);
    await expect(tabBar(page)).toHaveCount(0);
  });

  test("suggestions while typing lead to the handheld guide", async ({ page }) => {
    await page.goto("/m");
    const box = page.getByRole("searchbox", { name: zh.home.search_label });
    const suggestion = page.getByRole("list", { name: zh.catalog.suggestions }).getByRole("link", { name: hltItem.name, exact: true });
    await expect(async () => {
      await box.fill("");
      await box.pressSequentially("sydj");
      await expect(suggestion).toBeVisible({ timeout: 2_000 });
    }).toPass({ timeout: 30_000 });
    await checkPhoneFit(page, "/m with suggestions");
    await suggestion.click();
    await expect(page).toHaveURL(/\/m\/services\/HLT-0001$/);
  });

  test("bundles (一件事) stay on the handheld version up to their combined form", async ({ page }) => {
    const opening = readBundle("BND-0001");
    const firstPart = readCatalogItem(opening.parts[0].service);
    await page.goto("/m");
    await page.getByRole("link", { name: new RegExp(escapeRegExp(zh.bundle.home_title)) }).click();
    await expect(page).toHaveURL(/\/m\/bundles$/);
    await expect(page.getByRole("heading", { level: 1, name: zh.bundle.list_title })).toBeVisible();
    await page.getByRole("link", { name: opening.name, exact: true }).click();
    await expect(page).toHaveURL(/\/m\/bundles\/BND-0001$/);
    await expect(page.getByRole("heading", { level: 1, name: opening.name })).toBeVisible();
    await expect(tabBar(page).getByRole("link", { name: zh.nav.tab_services })).toHaveAttribute("aria-current", "page");
    // A part's own guide is the handheld one.
    await page.getByRole("link", { name: firstPart.name, exact: true }).click();
    await expect(page).toHaveURL(new RegExp(`/m/services/${opening.parts[0].service}$`));
    await page.goBack();
    // The combined form is in the desktop frame only (a bundle has no one-question-a-screen form).
    await page.getByRole("link", { name: zh.bundle.apply, exact: true }).click();
    await expect(page).toHaveURL(/\/bundles\/BND-0001\/apply$/);
    await expect(page.getByRole("heading", { level: 1 })).toContainText(opening.name);
    // And the desktop twin of the guide is the desktop guide.
    await page.goto("/m/bundles/BND-0001");
    await page.getByRole("link", { name: zh.nav.desktop, exact: true }).click();
    await expect(page).toHaveURL(/\/bundles\/BND-0001$/);
    await expect(tabBar(page)).toHaveCount(0);
  });

  test("the lookup on /m answers on /m", async ({ page }) => {
    await page.goto("/m/track");
    await page.getByLabel(zh.track.number, { exact: true }).fill("350102-20000101-999999-5");
    await page.getByLabel(zh.track.phone, { exact: true }).fill("8000");
    await page.getByRole("button", { name: zh.track.submit, exact: true }).click();
    await expect(page).toHaveURL(/\/m\/track\?/);
    await expect(errorSummary(page, zh.track.error_title)).toContainText(zh.track.not_found);
    await expect(tabBar(page).getByRole("link", { name: zh.nav.tab_track })).toHaveAttribute("aria-current", "page");
  });

  test("the desktop site offers the handheld version on a phone, without sending anyone there", async ({ page }) => {
    const answer = await page.goto(`/services/HLT-0001`);
    expect(answer?.status()).toBe(200);
    expect(new URL(page.url()).pathname).toBe("/services/HLT-0001");
    await page.getByRole("link", { name: zh.nav.handheld_open, exact: true }).click();
    await expect(page).toHaveURL(/\/m\/services\/HLT-0001$/);
  });
});

test.describe("a photo from the phone's camera", () => {
  test("is scaled in the browser to 1,600 px on its long edge before it is sent", async ({ page }) => {
    test.slow();
    const applicant = uniqueName("拍照");
    await page.goto(APPLY_PATH);
    await waitForFormHydration(page);
    await fillHltForm(page, validHltAnswers(applicant));
    await continueFromAnswers(page);
    await expect(page).toHaveURL(MATERIALS_URL);
    await expect(page.locator('form[data-hydrated="true"]')).toHaveCount(hltItem.materials.length);
    const material = hltRequiredMaterials[0];
    const photo = bigPngFile(3000, 2000, "camera.png");
    await uploadMaterial(page, material.code, photo);
    // Sent as a JPEG of the scaled photo, not the camera's file.
    await expect(materialStatus(page, material.code)).toContainText("camera.jpg");
    await continueToCheck(page);
    const tracking = await submitFromCheck(page);

    // What the server stored is 1,600 × 1,067.
    await loginAs(page, STAFF.window);
    await findCase(page, zh.admin.tab_intake, tracking);
    await expect(caseStatus(page)).toHaveText(zh.status.submitted);
    const link = page.getByRole("link", { name: new RegExp(`camera\\.jpg$`) });
    const stored = await page.request.get((await link.getAttribute("href"))!);
    expect(stored.headers()["content-type"]).toBe("image/jpeg");
    expect(jpegSize(await stored.body())).toEqual({ width: 1600, height: 1067 });
    expect(compactTracking(tracking)).toMatch(/^\d{20}[\dX]$/);
  });
});

test.describe("installable, and readable offline", () => {
  test("manifest and icons; a guide or a bundle's guide read before opens offline, anything else shows the offline page", async ({ page, context }) => {
    await page.goto("/m");
    const href = await page.locator('link[rel="manifest"]').getAttribute("href");
    const manifest = await (await page.request.get(href!)).json();
    expect(manifest.start_url).toBe("/m");
    expect(manifest.display).toBe("standalone");
    expect(manifest.icons.map((i: { sizes: string }) => i.sizes)).toEqual(["192x192", "512x512", "512x512"]);
    for (const icon of manifest.icons) {
      const answer = await page.request.get(icon.src);
      expect(answer.status(), icon.src).toBe(200);
      expect(answer.headers()["content-type"], icon.src).toBe("image/png");
    }
    // The service worker installs and takes charge of /m.
    await page.evaluate(() => navigator.serviceWorker.ready.then(() => undefined));
    await page.reload();
    await expect.poll(() => page.evaluate(() => navigator.serviceWorker.controller !== null)).toBe(true);
    await page.goto("/m/services/HLT-0001"); // read once, online
    await page.goto("/m/bundles/BND-0003");
    const newborn = readBundle("BND-0003");

    await context.setOffline(true);
    try {
      await page.goto("/m/services/HLT-0001");
      await expect(page.getByRole("heading", { level: 1, name: hltItem.name })).toBeVisible();
      await page.goto("/m/bundles/BND-0003");
      await expect(page.getByRole("heading", { level: 1, name: newborn.name })).toBeVisible();
      await page.goto("/m/track?number=350102-20000101-999999-5&phone=8000");
      await expect(page.getByRole("heading", { level: 1, name: "网络连接不可用" })).toBeVisible();
      await expect(page.getByRole("link", { name: "12345" }).first()).toHaveAttribute("href", "tel:12345");
    } finally {
      await context.setOffline(false);
    }
    // Back online, the page comes from the network again.
    await page.goto("/m/track");
    await expect(page.getByRole("heading", { level: 1, name: zh.track.title })).toBeVisible();
  });
});

test.describe("handheld version without JavaScript", () => {
  test.use({ javaScriptEnabled: false });

  test("tabs, search and guide work as plain links and GET forms", async ({ page }) => {
    await page.goto("/m");
    for (const t of TABS) {
      await tabBar(page).getByRole("link", { name: t.label, exact: true }).click();
      await expect(page).toHaveURL(new RegExp(`${t.href}$`));
      await expect(tabBar(page).getByRole("link", { name: t.label, exact: true })).toHaveAttribute("aria-current", "page");
    }
    await page.goto("/m/services");
    await page.getByRole("searchbox", { name: zh.catalog.keyword }).fill("shengyu");
    await page.getByRole("button", { name: zh.catalog.apply_filters, exact: true }).click();
    await expect(page).toHaveURL(/\/m\/services\?/);
    await page.getByRole("link", { name: hltItem.name, exact: true }).click();
    await expect(page).toHaveURL(/\/m\/services\/HLT-0001$/);
    await expect(page.getByRole("heading", { level: 1, name: hltItem.name })).toBeVisible();
  });
});

test.describe("one question per screen", () => {
  test("asks each question on its own screen with the desktop's checks, keeps answers going back, then the materials", async ({ page }) => {
    const answers = validHltAnswers(uniqueName("逐题")) as Record<string, string>;
    const total = hltItem.fields.length;
    await page.goto("/m/services/HLT-0001");
    await page.getByRole("link", { name: zh.guide.apply, exact: true }).click();
    await expect(page).toHaveURL(/\/m\/services\/HLT-0001\/apply$/);
    for (let n = 1; n <= total; n++) {
      const f = hltItem.fields[n - 1];
      await questionCounter(page, n);
      // One question, under its own label, the island awake.
      await expect(page.locator(".handheld-main .field")).toHaveCount(1);
      await expect(page.getByLabel(new RegExp(`^${escapeRegExp(f.label)}`))).toBeVisible();
      await expect(page.locator('form[data-hydrated="true"]')).toHaveCount(1);
      if (n <= 2) await checkA11y(page, { label: `question ${n}` });
      await checkPhoneFit(page, `question ${n}`);
      if (f.name === "applicant_id_number") {
        // The browser refuses a wrong check digit with the desktop form's message, and stays put.
        const here = page.url();
        await answerQuestion(page, n, ID_WITH_WRONG_CHECK_DIGIT);
        await expect(fieldError(page, f.name)).toHaveText(zh.errors.id_check);
        expect(page.url()).toBe(here);
      }
      if (n === 3) {
        // Back one question: the answer given is still there; forward again.
        await page.getByRole("link", { name: zh.apply.previous_question, exact: true }).click();
        await questionCounter(page, 2);
        await expect(page.locator(`#field-${hltItem.fields[1].name}`)).toHaveValue(answers[hltItem.fields[1].name]);
        await answerQuestion(page, 2, answers[hltItem.fields[1].name]);
        await questionCounter(page, 3);
      }
      await answerQuestion(page, n, answers[f.name]);
    }
    await expect(page).toHaveURL(MATERIALS_URL);
  });

  test("an answer typed on the phone survives a reload and a closed tab", async ({ page, context }) => {
    const answers = validHltAnswers(uniqueName("重载")) as Record<string, string>;
    const live = (p: typeof page) => expect(p.locator('form[data-hydrated="true"]')).toHaveCount(1);
    await page.goto("/m/services/HLT-0001/apply");
    await live(page);
    await answerQuestion(page, 1, answers[hltItem.fields[0].name]);
    await questionCounter(page, 2);
    await live(page);
    const second = hltItem.fields[1].name;
    // Typed, not sent.
    await page.locator(`#field-${second}`).fill(answers[second]);
    await page.reload();
    await live(page);
    await expect(page.locator(`#field-${second}`)).toHaveValue(answers[second]);
    const here = page.url();
    await page.close();
    const again = await context.newPage();
    await again.goto(here);
    await live(again);
    await expect(again.locator(`#field-${second}`)).toHaveValue(answers[second]);
  });
});
