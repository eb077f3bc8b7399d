/**
 * The handheld form, one question per screen, with JavaScript off: each answer is
 * sent to the server, which judges it with the same rule and message, and moves
 * on to the next question; a wrong answer comes back to its own screen.
 */
import { test, expect } from "@playwright/test";
import {
  ID_WITH_WRONG_CHECK_DIGIT,
  MATERIALS_URL,
  answerQuestion,
  errorSummary,
  fieldError,
  hltItem,
  questionCounter,
  uniqueName,
  validHltAnswers,
  zh,
} from "../helpers";

test("the handheld questions one by one without JavaScript", async ({ page }) => {
  const answers = validHltAnswers(uniqueName("无脚本逐题")) as Record<string, string>;
  await page.goto("/m/services/HLT-0001/apply");
  for (let n = 1; n <= hltItem.fields.length; n++) {
    const f = hltItem.fields[n - 1];
    await questionCounter(page, n);
    await expect(page.locator("form[data-hydrated]")).toHaveCount(0);
    if (f.name === "applicant_id_number") {
      await answerQuestion(page, n, ID_WITH_WRONG_CHECK_DIGIT);
      await expect(page).toHaveURL(/[?&]invalid=1/);
      await questionCounter(page, n);
      await expect(errorSummary(page, zh.apply.error_summary_title)).toContainText(zh.errors.id_check);
      await expect(fieldError(page, f.name)).toHaveText(zh.errors.id_check);
    }
    await answerQuestion(page, n, answers[f.name]);
  }
  await expect(page).toHaveURL(MATERIALS_URL);
});
