/**
 * Hostile files (project desktop-nojs, so the server alone judges them): a file
 * that is a PDF and a web page at once, a web page renamed .pdf and an empty file
 * are refused, each with its own message and the materials page otherwise
 * unchanged; a name that tries to climb out of the upload folder is kept only as
 * its last part, shown as text.
 */
import { test, expect } from "@playwright/test";
import {
  APPLY_PATH,
  MATERIALS_URL,
  continueFromAnswers,
  errorSummary,
  fillHltForm,
  hltItem,
  hltRequiredMaterials,
  materialStatus,
  pdfFile,
  uniqueName,
  uploadMaterial,
  uploadedText,
  validHltAnswers,
  zh,
  type FilePayload,
} from "../helpers";

const file = (name: string, text: string): FilePayload => ({ name, mimeType: "application/pdf", buffer: Buffer.from(text, "latin1") });

test("hostile files are refused with their own message, and a climbing name is kept as its last part", async ({ page }) => {
  await page.goto(APPLY_PATH);
  await fillHltForm(page, validHltAnswers(uniqueName("上传")));
  await continueFromAnswers(page);
  await expect(page).toHaveURL(MATERIALS_URL);
  const material = (hltRequiredMaterials[0] ?? hltItem.materials[0]).code;
  const summary = errorSummary(page, zh.upload.error_title);

  const refusals: [FilePayload, string][] = [
    // A polyglot: a PDF's first bytes, then a page with a script.
    [file("scan.pdf", "%PDF-1.4\n<html><body><script>alert(document.cookie)</script></body></html>\n%%EOF\n"), zh.upload.disguised],
    // The same markup behind a PNG's signature.
    [{ name: "photo.png", mimeType: "image/png", buffer: Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.from("<svg onload=alert(1)>")]) }, zh.upload.disguised],
    // A web page renamed.
    [file("身份证.pdf", "<!DOCTYPE html><html><script>alert(1)</script></html>"), zh.upload.unsupported_type],
    [file("empty.pdf", ""), zh.upload.empty],
  ];
  for (const [hostile, message] of refusals) {
    await uploadMaterial(page, material, hostile);
    await expect(summary, hostile.name).toContainText(message);
    await expect(summary.getByRole("link")).toHaveAttribute("href", `#file-${material}`);
    await expect(materialStatus(page, material)).toHaveText(zh.materials.not_uploaded);
  }

  // Path traversal in the name, Unix and Windows style: only the last part is kept.
  for (const [name, kept] of [
    ["../../../../etc/passwd.pdf", "passwd.pdf"],
    ["..\\..\\Windows\\win.ini.pdf", "win.ini.pdf"],
  ]) {
    const climbing = pdfFile(name);
    await uploadMaterial(page, material, climbing);
    await expect(materialStatus(page, material)).toHaveText(uploadedText({ ...climbing, name: kept }));
  }
});
