import type { FullConfig } from "@playwright/test";

/** How long to wait for the server to answer before giving up. */
const WAIT_MS = 120_000;
const INTERVAL_MS = 1_000;

/**
 * Waits until the portal answers at the configured base URL (the server may still
 * be starting, loading the catalog or running migrations), so the first test does
 * not fail for a reason that has nothing to do with it.
 */
export default async function globalSetup(config: FullConfig): Promise<void> {
  const baseURL =
    config.projects.map((p) => p.use?.baseURL).find((u): u is string => typeof u === "string") ??
    process.env.PORTAL_E2E_URL ??
    "http://127.0.0.1:3100";
  const deadline = Date.now() + WAIT_MS;
  let last = "no answer yet";
  while (Date.now() < deadline) {
    try {
      const res = await fetch(baseURL, { redirect: "manual", signal: AbortSignal.timeout(5_000) });
      if (res.status < 500) {
        return;
      }
      last = `HTTP ${res.status} ${res.statusText}`;
    } catch (e) {
      const err = e as Error & { cause?: { code?: string; message?: string } };
      last = err.cause?.code ?? err.cause?.message ?? err.message;
    }
    await new Promise((resolve) => setTimeout(resolve, INTERVAL_MS));
  }
  throw new Error(
    `The portal did not answer at ${baseURL} within ${WAIT_MS / 1000} s (last: ${last}).\n` +
      `Start the server first (with PORTAL_DEMO_DATA=true for the staff accounts), ` +
      `or point PORTAL_E2E_URL at a running one.`,
  );
}
