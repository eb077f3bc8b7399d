// Drives the portal through its real HTTP endpoints, as browsers without JavaScript
// would, and kills it with SIGKILL mid-load. Run by scripts/crash-test.
//
//   node scripts/crash-load.mjs load BASE_URL SERVER_PID KILL_AFTER_MS OUT_FILE
//     Citizens (4 at once, one after another without pause) each answer HLT-0001,
//     upload its required material and submit; a clerk (window01, demo data)
//     accepts the submitted cases. After KILL_AFTER_MS the server is killed. Every
//     acknowledgement (a submission answered with its receipt, a decision answered
//     as done) is written to OUT_FILE: `submitted <number>` / `decided <number>
//     accept`, with the applicant's browser token in a third file OUT_FILE.owners.
//   node scripts/crash-load.mjs check BASE_URL OUT_FILE
//     After the restart: each acknowledged receipt opens for its own browser.
import { readFileSync, writeFileSync } from "node:fs";
import { accept, applicantCookie, apply as applyAt, fail as failAs, staffSession } from "./portal-http.mjs";

const [mode, base, ...rest] = process.argv.slice(2);
const CITIZENS = 4;
const fail = (message) => failAs("crash-load", message);

async function load(serverPid, killAfterMs, outFile) {
  const acknowledged = [];
  const owners = [];
  const toDecide = [];
  let killed = false;
  let refusedAfterKill = 0;
  const stats = { submitted: 0, decided: 0 };

  // One application, start to receipt. Throws on anything but the expected answer.
  async function apply() {
    const { token, cookie } = applicantCookie();
    const number = await applyAt(() => base, cookie);
    // Acknowledged: the portal answered with the receipt.
    acknowledged.push(`submitted ${number}`);
    owners.push(`${number} ${token}`);
    toDecide.push(number);
    stats.submitted++;
  }

  async function citizen() {
    while (!killed) {
      try {
        await apply();
      } catch (e) {
        if (!killed) fail(`an application failed before the kill: ${e.message ?? e}`);
        refusedAfterKill++;
      }
    }
  }

  async function clerk() {
    const session = await staffSession(base, "window01").catch((e) => fail(e.message));
    while (!killed) {
      const number = toDecide.shift();
      if (!number) {
        await new Promise((r) => setTimeout(r, 5));
        continue;
      }
      try {
        await accept(base, session, number);
        acknowledged.push(`decided ${number} accept`);
        stats.decided++;
      } catch (e) {
        if (!killed) fail(`a decision failed before the kill: ${e.message ?? e}`);
        refusedAfterKill++;
      }
    }
  }

  const workers = [...Array.from({ length: CITIZENS }, citizen), clerk()];
  await new Promise((r) => setTimeout(r, killAfterMs));
  // Killed while requests are in flight: every worker is mid-request.
  process.kill(serverPid, "SIGKILL");
  killed = true;
  await Promise.all(workers);
  writeFileSync(outFile, acknowledged.join("\n") + "\n");
  writeFileSync(`${outFile}.owners`, owners.join("\n") + "\n");
  console.log(
    `crash-load: ${stats.submitted} submissions and ${stats.decided} decisions acknowledged in ${killAfterMs} ms before SIGKILL; ` +
      `${refusedAfterKill} requests in flight or after it got no answer`,
  );
  if (stats.submitted < 20 || stats.decided < 5) fail("too little was acknowledged before the kill for the test to mean anything");
  if (refusedAfterKill === 0) fail("no request was in flight at the kill");
}

async function check(outFile) {
  const lines = readFileSync(`${outFile}.owners`, "utf8").split("\n").filter(Boolean);
  for (const line of lines) {
    const [number, token] = line.split(" ");
    const response = await fetch(`${base}/receipt/${number}`, { headers: { Cookie: `portal_applicant=${token}` } });
    const page = await response.text();
    if (response.status !== 200 || !page.includes(number)) fail(`receipt ${number} answers ${response.status} after the restart`);
  }
  console.log(`crash-load: all ${lines.length} acknowledged receipts open for their applicants after the restart`);
}

if (mode === "load") await load(Number(rest[0]), Number(rest[1]), rest[2]);
else if (mode === "check") await check(rest[0]);
else fail("usage: crash-load.mjs load BASE_URL SERVER_PID KILL_AFTER_MS OUT_FILE | check BASE_URL OUT_FILE");
