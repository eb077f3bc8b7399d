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
import { randomBytes } from "node:crypto";

const [mode, base, ...rest] = process.argv.slice(2);
const CITIZENS = 4;
const SERVICE = "HLT-0001";
const MATERIAL = "spouses_identity";
const ANSWERS = {
  applicant_name: "林晓",
  applicant_id_number: "350102199003071234",
  applicant_phone: "13800138000",
  spouse_name: "陈明",
  spouse_id_number: "440308199901010012",
  child_order: "second",
  marriage_date: "2018-05-20",
};

/** A minimal one-page PDF, as the material. */
function pdf() {
  const objects = ["<< /Type /Catalog /Pages 2 0 R >>", "<< /Type /Pages /Kids [3 0 R] /Count 1 >>", "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>"];
  let body = "%PDF-1.4\n";
  const offsets = [];
  objects.forEach((o, i) => {
    offsets.push(Buffer.byteLength(body));
    body += `${i + 1} 0 obj\n${o}\nendobj\n`;
  });
  const xref = Buffer.byteLength(body);
  body += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n` + offsets.map((o) => `${String(o).padStart(10, "0")} 00000 n \n`).join("");
  body += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(body, "latin1");
}

/** A form post as a browser sends it; answers the status and the redirect target. */
async function post(path, body, cookie) {
  const response = await fetch(base + path, {
    method: "POST",
    body,
    redirect: "manual",
    headers: { Origin: base, Accept: "text/html", Cookie: cookie },
  });
  await response.arrayBuffer();
  return { status: response.status, location: response.headers.get("location") ?? "", setCookie: response.headers.getSetCookie() };
}

function fail(message) {
  console.error(`crash-load: ${message}`);
  process.exit(1);
}

async function load(serverPid, killAfterMs, outFile) {
  const acknowledged = [];
  const owners = [];
  const toDecide = [];
  let killed = false;
  let refusedAfterKill = 0;
  const stats = { submitted: 0, decided: 0 };

  // One application, start to receipt. Throws on anything but the expected answer.
  async function apply() {
    const token = randomBytes(16).toString("hex");
    const cookie = `portal_applicant=${token}`;
    const answers = new URLSearchParams({ service: SERVICE });
    for (const [k, v] of Object.entries(ANSWERS)) answers.append(`answers[${k}]`, v);
    const saved = await post("/api/applications/answers", answers, cookie);
    const draft = /^\/apply\/([^/]+)\/materials/.exec(saved.location)?.[1];
    if (!draft) throw new Error(`answers: ${saved.status} ${saved.location}`);
    const upload = new FormData();
    upload.append("file", new Blob([pdf()], { type: "application/pdf" }), "身份证.pdf");
    const uploaded = await post(`/apply/${draft}/materials/${MATERIAL}`, upload, cookie);
    if (!uploaded.location.includes(`uploaded=${MATERIAL}`)) throw new Error(`upload: ${uploaded.status} ${uploaded.location}`);
    const sent = await post("/api/applications/submit", new URLSearchParams({ draft }), cookie);
    const number = /^\/receipt\/(\w+)$/.exec(sent.location)?.[1];
    if (!number) throw new Error(`submit: ${sent.status} ${sent.location}`);
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
    const form = new URLSearchParams({ username: "window01", password: "Demo-2026!" });
    const signedIn = await post("/api/staff/login", form, "");
    const session = signedIn.setCookie.map((c) => c.split(";")[0]).find((c) => c.startsWith("portal_staff="));
    if (!session) fail(`window01 could not sign in: ${signedIn.status} ${signedIn.location}`);
    while (!killed) {
      const number = toDecide.shift();
      if (!number) {
        await new Promise((r) => setTimeout(r, 5));
        continue;
      }
      try {
        const body = new URLSearchParams({ tracking: number, action: "accept", seen_status: "submitted", note: "" });
        const decided = await post("/api/staff/decide", body, session);
        if (!decided.location.includes("done=accept")) throw new Error(`decide ${number}: ${decided.status} ${decided.location}`);
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
