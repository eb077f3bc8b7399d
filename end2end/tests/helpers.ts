/**
 * Shared steps of the end-to-end tests: accessibility checks, staff sign-in,
 * small valid files made in memory, and filling in an application for HLT-0001
 * (生育登记). Every visible string comes from the locale files, so a wording
 * change in `locales/` does not break the tests, and a missing key does.
 */
import { expect, test, type Locator, type Page } from "@playwright/test";
import AxeBuilder from "@axe-core/playwright";
import zhJson from "../../locales/zh-Hans.json" with { type: "json" };
import enJson from "../../locales/en.json" with { type: "json" };
import { readFileSync } from "node:fs";
import { crc32, deflateSync } from "node:zlib";
import { resolve } from "node:path";

export const zh = zhJson;
export const en = enJson;

// ---------------------------------------------------------------------------
// Text helpers
// ---------------------------------------------------------------------------

/** Escapes a string for use inside a RegExp. */
export function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** Fills `{name}` placeholders of a locale template. */
export function fill(template: string, values: Record<string, string>): string {
  return template.replace(/\{(\w+)\}/g, (whole, key: string) => values[key] ?? whole);
}

/** A RegExp for a template whose placeholders may be anything (or the given values). */
export function templatePattern(template: string, values: Record<string, string> = {}): RegExp {
  const parts = template.split(/(\{\w+\})/);
  const source = parts
    .map((p) => {
      const m = /^\{(\w+)\}$/.exec(p);
      if (!m) return escapeRegExp(p);
      const v = values[m[1]];
      return v === undefined ? ".+?" : escapeRegExp(v);
    })
    .join("");
  return new RegExp(`^${source}$`);
}

/** The portal's `human_size` (src/domain/material.rs). */
export function humanSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${Math.ceil(bytes / 1024)} KB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}

/** A name nobody else in the queue has, at most 30 characters (the field's limit). */
export function uniqueName(prefix = "测试"): string {
  const stamp = Date.now().toString(36);
  const salt = Math.floor(Math.random() * 36 ** 3).toString(36).padStart(3, "0");
  return `${prefix}${stamp}${salt}`.slice(0, 30);
}

// ---------------------------------------------------------------------------
// Accessibility
// ---------------------------------------------------------------------------

/**
 * Runs axe (WCAG 2.0/2.1 A and AA rules) on the page as it is now and fails the
 * test on any "serious" or "critical" violation, printing each rule's id, help
 * and the nodes it found. By default the failure is recorded with `expect.soft`,
 * so a long flow still runs to its end and reports every page's problems at once
 * (the test fails all the same); pass `{ soft: false }` to stop at once.
 */
export async function checkA11y(page: Page, opts: { soft?: boolean; label?: string } = {}): Promise<void> {
  if (test.info().project.use.javaScriptEnabled === false) {
    // axe runs inside the page: with JavaScript off it would only hang until the timeout.
    throw new Error("checkA11y needs JavaScript: call it from the desktop project, not desktop-nojs");
  }
  const results = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]).analyze();
  const bad = results.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
  const where = opts.label ?? new URL(page.url()).pathname;
  if (bad.length > 0) {
    const report = bad
      .map((v) => {
        const nodes = v.nodes
          .map((n) => `      - ${n.target.map((t) => (typeof t === "string" ? t : JSON.stringify(t))).join(" > ")}` +
            (n.failureSummary ? `\n        ${n.failureSummary.replace(/\n/g, "\n        ")}` : ""))
          .join("\n");
        return `  [${v.impact}] ${v.id}: ${v.help}\n    ${v.helpUrl}\n${nodes}`;
      })
      .join("\n");
    console.log(`Accessibility violations on ${where}:\n${report}`);
  }
  const summary = bad.map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
  const message = `serious/critical axe violations on ${where}`;
  if (opts.soft === false) {
    expect(summary, message).toEqual([]);
  } else {
    expect.soft(summary, message).toEqual([]);
  }
}

// ---------------------------------------------------------------------------
// Files made in memory
// ---------------------------------------------------------------------------

export type FilePayload = { name: string; mimeType: string; buffer: Buffer };

/** A minimal, well-formed one-page PDF. */
export function pdfFile(name = "document.pdf"): FilePayload {
  const objects = [
    "<< /Type /Catalog /Pages 2 0 R >>",
    "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
    "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>",
  ];
  let body = "%PDF-1.4\n";
  const offsets: number[] = [];
  objects.forEach((o, i) => {
    offsets.push(Buffer.byteLength(body));
    body += `${i + 1} 0 obj\n${o}\nendobj\n`;
  });
  const xref = Buffer.byteLength(body);
  body += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  body += offsets.map((o) => `${String(o).padStart(10, "0")} 00000 n \n`).join("");
  body += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return { name, mimeType: "application/pdf", buffer: Buffer.from(body, "latin1") };
}

/** A valid 1×1 PNG (real signature, IHDR, IDAT, IEND). */
export function pngFile(name = "photo.png"): FilePayload {
  const base64 =
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==";
  return { name, mimeType: "image/png", buffer: Buffer.from(base64, "base64") };
}

/** Plain text dressed up as a PDF: the portal must judge by content, not by name. */
export function fakePdfFile(name = "fake.pdf"): FilePayload {
  return { name, mimeType: "application/pdf", buffer: Buffer.from("This is plain text, not a PDF.\n", "utf8") };
}

// ---------------------------------------------------------------------------
// The item applied for: HLT-0001 生育登记 (catalog/services/HLT-0001.toml)
// ---------------------------------------------------------------------------

export const HLT = "HLT-0001";

type CatalogField = { name: string; label: string; kind: string; required: boolean };
type CatalogMaterial = { code: string; name: string; required: boolean };

/** Reads a value `key = "…"` or `key = { zh = "…" … }` of one TOML block. */
function tomlString(block: string, key: string, lang?: "zh" | "en"): string | undefined {
  if (lang) {
    const m = new RegExp(`^${key}\\s*=\\s*\\{[^}]*\\b${lang}\\s*=\\s*"([^"]*)"`, "m").exec(block);
    return m?.[1];
  }
  return new RegExp(`^${key}\\s*=\\s*"([^"]*)"`, "m").exec(block)?.[1];
}

/**
 * The form fields and materials of a catalog item, read from its TOML, so the
 * labels the tests look for are the ones the page shows. (A deliberately small
 * reader for the catalog's own layout: one `key = value` per line.)
 */
export function readCatalogItem(code: string): { name: string; fields: CatalogField[]; materials: CatalogMaterial[] } {
  const file = resolve(__dirname, "../../catalog/services", `${code}.toml`);
  const text = readFileSync(file, "utf8");
  const top = text.slice(0, text.search(/^\[/m));
  const name = tomlString(top, "name", "zh");
  if (!name) throw new Error(`${file}: no name = { zh = "…" } before the first table`);
  const blocks = text.split(/^\[\[/m).slice(1);
  const fields: CatalogField[] = [];
  const materials: CatalogMaterial[] = [];
  for (const raw of blocks) {
    const header = raw.slice(0, raw.indexOf("]]"));
    const block = raw.slice(raw.indexOf("]]") + 2);
    if (header === "form.fields") {
      fields.push({
        name: tomlString(block, "name")!,
        label: tomlString(block, "label", "zh")!,
        kind: tomlString(block, "kind")!,
        required: /^required\s*=\s*true/m.test(block),
      });
    } else if (header === "materials") {
      materials.push({
        code: tomlString(block, "code")!,
        name: tomlString(block, "name", "zh")!,
        required: /^required\s*=\s*true/m.test(block),
      });
    }
  }
  return { name, fields, materials };
}

export const hltItem = readCatalogItem(HLT);

/** The zh label of an HLT-0001 field. */
export function hltLabel(name: string): string {
  const f = hltItem.fields.find((x) => x.name === name);
  if (!f) throw new Error(`${HLT} has no field "${name}" (catalog changed? update end2end/tests/helpers.ts)`);
  return f.label;
}

export const hltRequiredFields = hltItem.fields.filter((f) => f.required);
export const hltRequiredMaterials = hltItem.materials.filter((m) => m.required);

/** Valid resident ID numbers (GB 11643 check digit right, birth dates in the past). */
export const VALID_IDS = ["11010519491231002X", "440308199901010012", "350102199003071234"] as const;
/** 11010519491231002X with a wrong check digit: the form must say "校验位不符". */
export const ID_WITH_WRONG_CHECK_DIGIT = "110105194912310021";
export const MOBILE = "13800138000";

/** A mobile number no other test uses, so its cases and codes are one test's alone. */
export function uniquePhone(): string {
  return `139${String(Math.floor(Math.random() * 1e8)).padStart(8, "0")}`;
}

/** 13912345678 → 139****5678, as the portal shows a number. */
export function maskedPhone(phone: string): string {
  return `${phone.slice(0, 3)}****${phone.slice(7)}`;
}

/**
 * The six digits of the newest code sent to `phone`, read from the demo message
 * box (/demo/messages), which stands in for the phone in demo mode.
 */
export async function codeFromDemoBox(page: Page, phone: string): Promise<string> {
  await page.goto("/demo/messages");
  const row = page.getByTestId("demo-messages").getByRole("listitem").filter({ hasText: phone }).first();
  const text = (await row.innerText()).replace(phone, "");
  const m = /(\d{6})/.exec(text);
  if (!m) throw new Error(`no code in ${text}`);
  return m[1];
}
export const MOBILE_LAST_FOUR = "8000";

export type HltAnswers = {
  applicant_name: string;
  applicant_id_number: string;
  applicant_phone: string;
  spouse_name: string;
  spouse_id_number: string;
  /** Option value: first | second | third. */
  child_order: string;
  /** YYYY-MM-DD, today or earlier; "" to leave it out (optional). */
  marriage_date: string;
};

export function validHltAnswers(applicantName: string): HltAnswers {
  return {
    applicant_name: applicantName,
    applicant_id_number: VALID_IDS[2],
    applicant_phone: MOBILE,
    spouse_name: `${applicantName}配偶`.slice(0, 30),
    spouse_id_number: VALID_IDS[1],
    child_order: "second",
    marriage_date: "2018-05-20",
  };
}

/** An answers field, found by its visible label ("登记人姓名 （必填）"). */
export function field(page: Page, name: string): Locator {
  return page.getByLabel(new RegExp(`^${escapeRegExp(hltLabel(name))}`));
}

/** The inline message of a field (`#field-<name>-error`). */
export function fieldError(page: Page, name: string): Locator {
  return page.locator(`#field-${name}-error`);
}

/** The error summary at the top of a page, found by its heading. */
export function errorSummary(page: Page, title: string): Locator {
  return page.getByRole("alert").filter({ has: page.getByRole("heading", { name: title }) });
}

/**
 * Waits until the answers form island has woken up (its WASM loaded), by using
 * the browser-side check on the optional marriage date: a date in the future
 * gets a message on leaving the field only once the island runs. The field is
 * cleared again afterwards, which also clears the message: no trace is left.
 * For a fresh form (its marriage date empty), with JavaScript on. Another item's
 * form names its own date field limited to the past as the probe, and a valid
 * value to leave in it (`settle`) when the field is required.
 */
export async function waitForFormHydration(page: Page, probeField = "marriage_date", settle = ""): Promise<void> {
  const probe = page.locator(`#field-${probeField}`);
  const message = fieldError(page, probeField);
  try {
    await expect(async () => {
      await probe.fill("2999-01-01");
      await probe.blur();
      await expect(message).toHaveText(zh.errors.date_future, { timeout: 1_000 });
    }).toPass({ timeout: 30_000, intervals: [250, 500, 1_000] });
  } catch (e) {
    throw new Error(
      `The answers form never started checking in the browser (island not hydrated: ` +
        `WASM/JS not loaded, blocked by CSP, or a panic; see the browser console).\n${(e as Error).message}`,
    );
  }
  await probe.fill(settle);
  await probe.blur();
  await expect(message).toHaveCount(0);
}

/** Fills every field of the HLT-0001 form (works with and without JavaScript). */
export async function fillHltForm(page: Page, answers: HltAnswers): Promise<void> {
  await field(page, "applicant_name").fill(answers.applicant_name);
  await field(page, "applicant_id_number").fill(answers.applicant_id_number);
  await field(page, "applicant_phone").fill(answers.applicant_phone);
  await field(page, "spouse_name").fill(answers.spouse_name);
  await field(page, "spouse_id_number").fill(answers.spouse_id_number);
  await field(page, "child_order").selectOption(answers.child_order);
  await field(page, "marriage_date").fill(answers.marriage_date);
}

export const APPLY_PATH = `/services/${HLT}/apply`;
export const MATERIALS_URL = /\/apply\/([^/?#]+)\/materials(?:[?#].*)?$/;
export const CHECK_URL = /\/apply\/([^/?#]+)\/check(?:[?#].*)?$/;
export const RECEIPT_URL = /\/receipt\/(\d{20}[\dX])(?:[?#].*)?$/;

/** The draft id in a /apply/{draft}/… address. */
export function draftIdOf(url: string): string {
  const m = /\/apply\/([^/?#]+)\//.exec(new URL(url).pathname);
  if (!m) throw new Error(`no draft id in ${url}`);
  return m[1];
}

/** Clicks "保存并继续" on the answers step. */
export async function continueFromAnswers(page: Page): Promise<void> {
  await page.getByRole("button", { name: zh.apply.save_and_continue, exact: true }).click();
}

/** The status line of a material on the materials step. */
export function materialStatus(page: Page, code: string): Locator {
  return page.getByTestId(`status-${code}`);
}

/**
 * Uploads one file for a material on the materials step: chooses the file in
 * `#file-<code>` and presses that material's own upload button (a plain
 * multipart form: works with and without JavaScript). Waits for the page the
 * server sends back.
 */
export async function uploadMaterial(page: Page, code: string, file: FilePayload): Promise<void> {
  await page.setInputFiles(`#file-${code}`, file);
  const form = page.locator(`#material-${code} form`);
  // The server answers with a redirect to the materials page, `?uploaded=<code>`
  // or `?error=<why>&material=<code>`; wait for that page.
  const answered = page.waitForResponse((r) => {
    const u = new URL(r.url());
    return (
      r.request().method() === "GET" &&
      r.request().resourceType() === "document" &&
      u.pathname.endsWith("/materials") &&
      (u.searchParams.get("uploaded") === code || u.searchParams.get("material") === code)
    );
  });
  // (The file input is a button too, for accessibility: pick the submit button by name.)
  const submit = form.getByRole("button", {
    name: new RegExp(`^(?:${escapeRegExp(zh.materials.upload)}|${escapeRegExp(zh.materials.replace)})$`),
  });
  await submit.click();
  await answered;
  await page.waitForLoadState("load");
}

/**
 * With JavaScript: chooses a file that the upload island must refuse and presses
 * upload. No page is loaded; the refusal shows inline, as an alert next to the input.
 */
export async function uploadMaterialRefusedInline(page: Page, code: string, file: FilePayload): Promise<Locator> {
  await page.setInputFiles(`#file-${code}`, file);
  const form = page.locator(`#material-${code} form`);
  await form.getByRole("button", {
    name: new RegExp(`^(?:${escapeRegExp(zh.materials.upload)}|${escapeRegExp(zh.materials.replace)})$`),
  }).click();
  return form.getByRole("alert");
}

/** "已上传：name（size）" for a file. */
export function uploadedText(file: FilePayload): string {
  return fill(zh.materials.uploaded, { name: file.name, size: humanSize(file.buffer.length) });
}

/** Uploads a small PDF to every required material and checks each shows as uploaded. */
export async function uploadRequiredMaterials(page: Page): Promise<void> {
  for (const m of hltRequiredMaterials) {
    const file = pdfFile(`${m.code}.pdf`);
    await uploadMaterial(page, m.code, file);
    await expect(materialStatus(page, m.code)).toHaveText(uploadedText(file));
  }
}

/** From the materials step to the check step ("继续核对"). */
export async function continueToCheck(page: Page): Promise<void> {
  await page.getByRole("link", { name: zh.materials.to_check, exact: true }).click();
  await expect(page).toHaveURL(CHECK_URL);
}

/** Presses "确认提交" and returns the tracking number as shown (350102-20261123-000042-7). */
export async function submitFromCheck(page: Page): Promise<string> {
  await page.getByRole("button", { name: zh.check.submit, exact: true }).click();
  await expect(page).toHaveURL(RECEIPT_URL);
  const shown = page.getByTestId("tracking-number");
  await expect(shown).toHaveText(/^\d{6}-\d{8}-\d{6}-[\dX]$/);
  return (await shown.innerText()).trim();
}

/**
 * Fills and saves a valid HLT-0001 application and uploads its required
 * materials, stopping on the check step. Returns the draft id. Works with and
 * without JavaScript (valid answers are sent to the server either way).
 */
export async function prepareApplication(page: Page, applicantName: string): Promise<string> {
  await page.goto(APPLY_PATH);
  // With JavaScript on, let the form island wake up before typing: it validates
  // its own copy of the answers, which only sees what is typed after it woke.
  if (test.info().project.use.javaScriptEnabled !== false) await waitForFormHydration(page);
  await fillHltForm(page, validHltAnswers(applicantName));
  await continueFromAnswers(page);
  await expect(page).toHaveURL(MATERIALS_URL);
  await uploadRequiredMaterials(page);
  await continueToCheck(page);
  return draftIdOf(page.url());
}

/**
 * Fills an HLT-0001 application already open on its answers step (fresh or a
 * proxy draft) with `answers`, uploads the materials and sends it. With
 * JavaScript on. Returns the tracking number as shown.
 */
export async function completeHltApplication(page: Page, answers: HltAnswers): Promise<string> {
  await waitForFormHydration(page);
  await fillHltForm(page, answers);
  await continueFromAnswers(page);
  await expect(page).toHaveURL(MATERIALS_URL);
  await uploadRequiredMaterials(page);
  await continueToCheck(page);
  return submitFromCheck(page);
}

/** The same, valid, with `phone` as the applicant's number. */
export async function completeApplicationWithPhone(page: Page, applicantName: string, phone: string): Promise<string> {
  return completeHltApplication(page, { ...validHltAnswers(applicantName), applicant_phone: phone });
}

/**
 * Answers the question on screen of the handheld form (one question per screen)
 * and sends it: "下一题", or on the last question "保存并继续".
 */
export async function answerQuestion(page: Page, n: number, value: string): Promise<void> {
  const f = hltItem.fields[n - 1];
  const input = page.locator(`#field-${f.name}`);
  if (f.kind === "select") await input.selectOption(value);
  else await input.fill(value);
  const last = n === hltItem.fields.length;
  await page.getByRole("button", { name: last ? zh.apply.save_and_continue : zh.apply.next_question, exact: true }).click();
}

/** The "第 n 题，共 m 题" line of the handheld form. */
export function questionCounter(page: Page, n: number): Promise<void> {
  return expect(page.getByTestId("question-counter")).toHaveText(fill(zh.apply.question_of, { n: String(n), total: String(hltItem.fields.length) }));
}

/** A whole valid application, submitted. Returns the tracking number as shown. */
export async function submitApplication(page: Page, applicantName: string): Promise<string> {
  await prepareApplication(page, applicantName);
  return submitFromCheck(page);
}

// ---------------------------------------------------------------------------
// Tracking numbers (src/domain/ids.rs): 6-digit region, 8-digit date,
// 6-digit sequence, ISO 7064 MOD 11-2 check character.
// ---------------------------------------------------------------------------

export function compactTracking(shown: string): string {
  return shown.replace(/[-\s]/g, "").toUpperCase();
}

export function mod11_2(digits: string): string {
  let weight = 2;
  let sum = 0;
  for (let i = digits.length - 1; i >= 0; i--) {
    sum += Number(digits[i]) * weight;
    weight = (weight * 2) % 11;
  }
  const n = (12 - (sum % 11)) % 11;
  return n === 10 ? "X" : String(n);
}

/** The same number with a different (wrong) check character: a typo. */
export function withWrongCheckCharacter(shown: string): string {
  const c = compactTracking(shown);
  const right = c[20];
  const wrong = right === "0" ? "1" : "0";
  return c.slice(0, 20) + wrong;
}

/** A well-formed number (right check character) that no case has: sequence 999999. */
export function unknownButWellFormed(shown: string): string {
  const c = compactTracking(shown);
  const body = `${c.slice(0, 14)}999999`;
  return body + mod11_2(body);
}

/** Looks a case up on /track with the form, as a citizen would. */
export async function lookUp(page: Page, number: string, phone: string): Promise<void> {
  await page.goto("/track");
  await page.getByLabel(zh.track.number, { exact: true }).fill(number);
  await page.getByLabel(zh.track.phone, { exact: true }).fill(phone);
  await page.getByRole("button", { name: zh.track.submit, exact: true }).click();
  await page.waitForURL(/\/track\?.*phone=/);
}

/** The timeline entries of the lookup result. */
export function lookupTimeline(page: Page): Locator {
  return page.getByRole("region", { name: zh.track.result_title }).getByRole("listitem");
}

// ---------------------------------------------------------------------------
// Staff
// ---------------------------------------------------------------------------

export const DEMO_PASSWORD = "Demo-2026!";
/** src/server/demo.rs */
export const STAFF = {
  window: { username: "window01", displayName: "综合窗口 张敏", role: zh.role.window_clerk },
  review: { username: "review01", displayName: "审批科室 李强", role: zh.role.reviewer },
  issue: { username: "issue01", displayName: "出件窗口 王芳", role: zh.role.issuing_clerk },
  supervisor: { username: "super01", displayName: "电子监察 赵磊", role: zh.role.supervisor },
  admin: { username: "admin01", displayName: "系统管理员 陈静", role: zh.role.admin },
  market: { username: "market01", displayName: "市场监管审批 周洁", role: zh.role.reviewer },
  tax: { username: "tax01", displayName: "税务审核 吴刚", role: zh.role.reviewer },
  estate: { username: "estate01", displayName: "不动产登记审核 郑丽", role: zh.role.reviewer },
  dongjieWindow: { username: "window02", displayName: "东街便民服务中心 林霞", role: `${zh.role.window_clerk}、${zh.role.issuing_clerk}` },
  agent: { username: "agent01", displayName: "三坊社区代办员 黄丽", role: zh.role.proxy_agent },
  hr: { username: "hr01", displayName: "人社审批 孙伟", role: zh.role.reviewer },
  fund: { username: "fund01", displayName: "公积金审批 钱敏", role: zh.role.reviewer },
  police: { username: "police01", displayName: "公安审批 冯军", role: zh.role.reviewer },
  med: { username: "med01", displayName: "医保审核 许婷", role: zh.role.reviewer },
} as const;
export type StaffUser = (typeof STAFF)[keyof typeof STAFF];

/** Goes to the sign-in page (optionally checking it with axe) without signing in. */
export async function openLogin(page: Page): Promise<void> {
  await page.goto("/admin/login");
  await expect(page.getByRole("heading", { level: 1, name: zh.admin.login_title })).toBeVisible();
}

/** Signs a demo clerk in and waits for the queue. */
export async function loginAs(page: Page, user: StaffUser, opts: { a11y?: boolean } = {}): Promise<void> {
  await openLogin(page);
  if (opts.a11y) await checkA11y(page, { label: "/admin/login" });
  await page.getByLabel(zh.admin.username, { exact: true }).fill(user.username);
  await page.getByLabel(zh.admin.password, { exact: true }).fill(DEMO_PASSWORD);
  await page.getByRole("button", { name: zh.admin.sign_in, exact: true }).click();
  await expect(page).toHaveURL(/\/admin(?:\?.*)?$/);
  await expect(page.getByTestId("signed-in-as")).toHaveText(fill(zh.admin.signed_in_as, { name: user.displayName, role: user.role }));
}

/** Signs the clerk out ("退出") and waits for the sign-in page. */
export async function logout(page: Page): Promise<void> {
  await page.getByRole("button", { name: zh.admin.sign_out, exact: true }).click();
  await expect(page).toHaveURL(/\/admin\/login/);
}

/**
 * Opens the case with this tracking number through the queue's search box, in
 * a tab of the queue (the search keeps the tab): what a clerk does with a
 * number read out at the counter.
 */
export async function findCase(page: Page, tabLabel: string, tracking: string): Promise<void> {
  await openQueueTab(page, tabLabel);
  await page.getByRole("searchbox", { name: zh.admin.search_q }).fill(tracking);
  await page.getByRole("button", { name: zh.admin.search, exact: true }).click();
  await page.waitForURL(/[?&]q=/);
  const row = queueRows(page, tracking);
  await expect(row, `case ${tracking} in the queue tab ${tabLabel}`).toHaveCount(1);
  await row.getByRole("link").first().click();
  await expect(page).toHaveURL(/\/admin\/cases\/\d{20}[\dX]/);
}

/** Opens a queue tab by its link ("待受理 (3)", "待受理 (100+)"). */
export async function openQueueTab(page: Page, tabLabel: string): Promise<void> {
  if (new URL(page.url()).pathname !== "/admin") {
    await page.goto("/admin");
  }
  const tab = page.getByRole("link", { name: new RegExp(`^${escapeRegExp(tabLabel)} \\(\\d+\\+?\\)$`) });
  await tab.click();
  await expect(tab).toHaveAttribute("aria-current", "page");
}

/** The table rows of the queue page shown now that contain `text`. */
function queueRows(page: Page, text: string): Locator {
  return page.locator("table tbody tr").filter({ hasText: text });
}

/**
 * Walks the pages of the current queue tab ("下一页") until a row containing
 * `text` (a tracking number or an applicant name) shows, and opens its case.
 */
export async function openCaseFromQueue(page: Page, tabLabel: string, text: string): Promise<void> {
  await openQueueTab(page, tabLabel);
  for (let n = 0; n < 500; n++) {
    const row = queueRows(page, text);
    if ((await row.count()) > 0) {
      await row.first().getByRole("link").first().click();
      await expect(page).toHaveURL(/\/admin\/cases\/\d{20}[\dX]/);
      return;
    }
    const next = page.getByRole("link", { name: zh.admin.next, exact: true });
    if ((await next.count()) === 0) break;
    await next.click();
    await page.waitForLoadState("load");
  }
  throw new Error(`no case with "${text}" in the queue tab ${tabLabel}`);
}

/** Counts the rows containing `text` over every page of a queue tab. */
export async function countQueueRows(page: Page, tabLabel: string, text: string): Promise<number> {
  await openQueueTab(page, tabLabel);
  let total = 0;
  for (let n = 0; n < 500; n++) {
    total += await queueRows(page, text).count();
    const next = page.getByRole("link", { name: zh.admin.next, exact: true });
    if ((await next.count()) === 0) return total;
    await next.click();
    await page.waitForLoadState("load");
  }
  return total;
}

/** The status shown on a staff case page. */
export function caseStatus(page: Page): Locator {
  return page.getByTestId("case-status");
}

/** The timeline entries on a staff case page (the list after "办理过程"). */
export function caseTimeline(page: Page): Locator {
  return page
    .getByRole("heading", { level: 2, name: zh.admin.timeline, exact: true })
    .locator("xpath=following-sibling::ol[1]")
    .getByRole("listitem");
}

/** Takes a decision on the open case page by its button ("受理", "审批通过"…). */
export async function decide(page: Page, actionLabel: string, note = ""): Promise<void> {
  const form = page.locator("form").filter({ has: page.locator("#note") });
  if (note) await form.getByLabel(zh.admin.note, { exact: true }).fill(note);
  // The server answers with a redirect back to the case, `?done=<action>` or `?error=<why>`.
  const answered = page.waitForResponse((r) => {
    const u = new URL(r.url());
    return (
      r.request().method() === "GET" &&
      r.request().resourceType() === "document" &&
      u.pathname.startsWith("/admin/cases/") &&
      (u.searchParams.has("done") || u.searchParams.has("error"))
    );
  });
  await form.getByRole("button", { name: actionLabel, exact: true }).click();
  await answered;
  await page.waitForLoadState("load");
}

// ---------------------------------------------------------------------------
// Any catalog item
// ---------------------------------------------------------------------------

export type ItemDelivery = { kind: "online" } | { kind: "post"; address: string } | { kind: "collect"; siteName: string };

/**
 * Applies for any catalog item with JavaScript on: answers by their catalog
 * labels, a small PDF for every required material, the delivery chosen on the
 * check step. `probe` names a date field limited to the past (see
 * `waitForFormHydration`); its answer is what is left in it. Returns the tracking number as shown on the receipt.
 */
export async function applyForItem(
  page: Page,
  code: string,
  answers: Record<string, string>,
  opts: { probe: string; delivery?: ItemDelivery },
): Promise<string> {
  const item = readCatalogItem(code);
  await page.goto(`/services/${code}/apply`);
  await waitForFormHydration(page, opts.probe, answers[opts.probe] ?? "");
  for (const f of item.fields) {
    const value = answers[f.name];
    if (value === undefined) continue;
    const input = page.getByLabel(new RegExp(`^${escapeRegExp(f.label)}`));
    if (f.kind === "select") await input.selectOption(value);
    else await input.fill(value);
  }
  await continueFromAnswers(page);
  await expect(page).toHaveURL(MATERIALS_URL);
  for (const m of item.materials.filter((x) => x.required)) {
    const file = pdfFile(`${m.code}.pdf`);
    await uploadMaterial(page, m.code, file);
    await expect(materialStatus(page, m.code)).toHaveText(uploadedText(file));
  }
  await continueToCheck(page);
  const delivery = opts.delivery ?? { kind: "online" };
  if (delivery.kind === "post") {
    await page.getByLabel(zh.delivery.post, { exact: true }).check();
    await page.getByLabel(zh.delivery.address, { exact: true }).fill(delivery.address);
  } else if (delivery.kind === "collect") {
    await page.getByLabel(zh.delivery.collect, { exact: true }).check();
    await page.getByLabel(zh.delivery.site, { exact: true }).selectOption({ label: delivery.siteName });
  }
  return submitFromCheck(page);
}

// ---------------------------------------------------------------------------
// Photos
// ---------------------------------------------------------------------------

/** A real PNG of width × height pixels in one colour (what a phone camera's photo stands in for). */
export function bigPngFile(width: number, height: number, name = "photo.png"): FilePayload {
  const chunk = (type: string, data: Buffer) => {
    const head = Buffer.alloc(8);
    head.writeUInt32BE(data.length, 0);
    head.write(type, 4, "latin1");
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(Buffer.concat([Buffer.from(type, "latin1"), data])) >>> 0, 0);
    return Buffer.concat([head, data, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.writeUInt8(8, 8); // bit depth
  ihdr.writeUInt8(2, 9); // truecolour RGB
  const row = Buffer.alloc(1 + width * 3);
  for (let x = 0; x < width; x++) row.set([0x33, 0x66, 0x99], 1 + x * 3);
  const raw = Buffer.concat(Array.from({ length: height }, () => row));
  const png = Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk("IHDR", ihdr),
    chunk("IDAT", deflateSync(raw)),
    chunk("IEND", Buffer.alloc(0)),
  ]);
  return { name, mimeType: "image/png", buffer: png };
}

/** Width and height of a JPEG, from its start-of-frame marker. */
export function jpegSize(bytes: Buffer): { width: number; height: number } {
  if (bytes[0] !== 0xff || bytes[1] !== 0xd8) throw new Error("not a JPEG");
  let i = 2;
  while (i + 9 < bytes.length) {
    if (bytes[i] !== 0xff) throw new Error(`bad JPEG marker at ${i}`);
    const marker = bytes[i + 1];
    if (marker >= 0xc0 && marker <= 0xc3) {
      return { height: bytes.readUInt16BE(i + 5), width: bytes.readUInt16BE(i + 7) };
    }
    i += 2 + bytes.readUInt16BE(i + 2);
  }
  throw new Error("no JPEG frame header");
}

// ---------------------------------------------------------------------------
// Citizen accounts
// ---------------------------------------------------------------------------

/** Asks for a sign-in code on /m/me and reads it from the demo message box. */
export async function askForCode(page: Page, phone: string): Promise<string> {
  await page.goto("/m/me");
  await page.getByLabel(zh.account.phone, { exact: true }).fill(phone);
  await page.getByRole("button", { name: zh.account.send_code, exact: true }).click();
  await expect(page.getByTestId("code-sent")).toHaveText(fill(zh.account.code_sent, { phone: maskedPhone(phone) }));
  const back = page.url();
  const code = await codeFromDemoBox(page, phone);
  await page.goto(back);
  return code;
}

/** Enters a sign-in code and presses "登录". */
export async function enterCode(page: Page, code: string): Promise<void> {
  await page.getByLabel(zh.account.code, { exact: true }).fill(code);
  await page.getByRole("button", { name: zh.account.sign_in, exact: true }).click();
}

/**
 * Fills an item's answers form by field name (`#field-<name>`) once its island
 * runs, and goes on to the materials step.
 */
export async function answerItem(page: Page, code: string, answers: Record<string, string>): Promise<void> {
  const item = readCatalogItem(code);
  await page.goto(`/services/${code}/apply`);
  await expect(page.locator('form[data-hydrated="true"]')).toHaveCount(1);
  for (const f of item.fields) {
    const value = answers[f.name];
    if (value === undefined) continue;
    const input = page.locator(`#field-${f.name}`);
    if (f.kind === "select") await input.selectOption(value);
    else await input.fill(value);
  }
  await continueFromAnswers(page);
  await expect(page).toHaveURL(MATERIALS_URL);
}

/**
 * A signed-in citizen (on `page`) registers an individual business (MKT-0002) and
 * staff accept, approve and issue it in a second browser: the citizen holds a
 * business licence. Returns the staff page, signed out.
 */
export async function issueBusinessLicence(page: Page, name: string, phone: string): Promise<Page> {
  const shop = readCatalogItem("MKT-0002");
  await answerItem(page, "MKT-0002", {
    applicant_name: name,
    applicant_id_number: "350102199003071234",
    applicant_phone: phone,
    business_name: `${name}小吃店`,
    organisation_form: "personal",
    premises_address: "福州市鼓楼区东街88号",
    business_scope: "餐饮服务（小吃）",
  });
  for (const m of shop.materials.filter((x) => x.required)) await uploadMaterial(page, m.code, pdfFile(`${m.code}.pdf`));
  await continueToCheck(page);
  const tracking = await submitFromCheck(page);
  const staff = await (await page.context().browser()!.newContext({ baseURL: test.info().project.use.baseURL, locale: "zh-CN" })).newPage();
  const steps = [
    [STAFF.window, zh.admin.tab_intake, zh.action.accept],
    [STAFF.market, zh.admin.tab_review, zh.action.approve],
    [STAFF.issue, zh.admin.tab_issue, zh.action.issue],
  ] as const;
  for (const [user, tab, action] of steps) {
    await loginAs(staff, user);
    await findCase(staff, tab, tracking);
    await decide(staff, action);
    if (action === zh.action.issue) await expect(caseStatus(staff)).toHaveText(zh.status.issued);
    await logout(staff);
  }
  return staff;
}

// ---------------------------------------------------------------------------
// 一件事一次办: bundles (catalog/bundles/*.toml)
// ---------------------------------------------------------------------------

export type BundlePartSpec = { service: string; after?: string; fromLicence: string[]; licenceMaterials: string[] };
export type BundleSpec = { code: string; name: string; parts: BundlePartSpec[]; sameAs: Record<string, string> };

/** `{ a = "x", b = "y" }` → { a: "x", b: "y" } (the bundle files' inline tables). */
function inlineTable(block: string, key: string): Record<string, string> {
  const m = new RegExp(`^${key}\\s*=\\s*\\{([^}]*)\\}`, "m").exec(block);
  const out: Record<string, string> = {};
  if (!m) return out;
  for (const pair of m[1].matchAll(/(\w+)\s*=\s*"([^"]*)"/g)) out[pair[1]] = pair[2];
  return out;
}

/** A bundle as its catalog file says: name, parts in order, and which questions another names. */
export function readBundle(code: string): BundleSpec {
  const file = resolve(__dirname, "../../catalog/bundles", `${code}.toml`);
  const text = readFileSync(file, "utf8");
  const [top, ...blocks] = text.split(/^\[\[parts\]\]\s*$/m);
  const name = tomlString(top, "name", "zh");
  if (!name) throw new Error(`${file}: no name = { zh = "…" }`);
  const parts = blocks.map((block) => {
    const service = tomlString(block, "service");
    if (!service) throw new Error(`${file}: a [[parts]] without service`);
    const list = /^licence_materials\s*=\s*\[([^\]]*)\]/m.exec(block)?.[1] ?? "";
    return {
      service,
      after: tomlString(block, "after"),
      fromLicence: Object.keys(inlineTable(block, "from_licence")),
      licenceMaterials: [...list.matchAll(/"([^"]*)"/g)].map((m) => m[1]),
    };
  });
  return { code, name, parts, sameAs: inlineTable(top, "same_as") };
}

/**
 * The questions of a bundle's combined form, in order: every part's fields, each
 * fact once (under the name `same_as` gives it), without those a licence fills.
 */
export function bundleQuestions(bundle: BundleSpec): { name: string; label: string; kind: string; required: boolean }[] {
  const asked: { name: string; label: string; kind: string; required: boolean }[] = [];
  for (const part of bundle.parts) {
    for (const f of readCatalogItem(part.service).fields) {
      if (part.fromLicence.includes(f.name)) continue;
      const name = bundle.sameAs[f.name] ?? f.name;
      if (asked.some((q) => q.name === name)) continue;
      asked.push({ ...f, name });
    }
  }
  return asked;
}

export type BundleDocument = { key: string; code: string; name: string; required: boolean; parts: string[] };

/**
 * The documents a bundle asks, each once: parts asking a material of the same code
 * and name share one upload (keyed by the first part asking it); a material the
 * awaited licence provides is not asked.
 */
export function bundleDocuments(bundle: BundleSpec): BundleDocument[] {
  const docs: BundleDocument[] = [];
  for (const part of bundle.parts) {
    for (const m of readCatalogItem(part.service).materials) {
      if (part.licenceMaterials.includes(m.code)) continue;
      const same = docs.find((d) => d.code === m.code && d.name === m.name);
      if (same) {
        same.parts.push(part.service);
        same.required ||= m.required;
      } else {
        docs.push({ key: `${part.service}-${m.code}`, code: m.code, name: m.name, required: m.required, parts: [part.service] });
      }
    }
  }
  return docs;
}

export const BUNDLE_MATERIALS_URL = /\/bundle-apply\/([^/?#]+)\/materials(?:[?#].*)?$/;
export const BUNDLE_CHECK_URL = /\/bundle-apply\/([^/?#]+)\/check(?:[?#].*)?$/;
export const BUNDLE_RECEIPT_URL = /\/bundle-receipt\/(\d{20}[\dX])(?:[?#].*)?$/;
/** A tracking number as shown: 350102-20261203-000042-7. */
export const SHOWN_TRACKING = /^\d{6}-\d{8}-\d{6}-[\dX]$/;

/** A part of the bundle receipt's progress list. */
export function bundlePart(page: Page, service: string): Locator {
  return page.getByTestId(`part-${service}`);
}
