// Two portal processes on one PostgreSQL and one object store serve as one portal
// (issue 15 item 4). Run by scripts/scale-out-test, which starts them.
//
//   node scripts/scale-out.mjs BASE_A BASE_B
//
// - A clerk signed in on one process is signed in on the other, and signing out on
//   the other ends the session on both.
// - Applicants (8 at once) each file applications whose steps hop between the two
//   processes: answers on one, the upload on the other, the submission on either.
//   Every submission must be answered with a receipt, every tracking number must be
//   unique, and each receipt must open on the process that did not file it.
// - Each upload must be served byte for byte by both processes to the clerk.
// - A clerk accepts every case, half on each process; each acceptance queues a
//   message to the applicant (scripts/scale-out-test then checks that each message
//   was sent once, by one of the two).
import { accept, applicantCookie, apply, fail as failAs, pdf, post, staffSession } from "./portal-http.mjs";

const [a, b] = process.argv.slice(2);
if (!a || !b) failAs("scale-out", "usage: scale-out.mjs BASE_A BASE_B");
const fail = (message) => failAs("scale-out", message);
const APPLICANTS = 8;
const EACH = 12;
const both = [a, b];
const other = (base) => (base === a ? b : a);

async function get(base, path, cookie) {
  const response = await fetch(base + path, { redirect: "manual", headers: { Cookie: cookie, Accept: "text/html" } });
  return { status: response.status, location: response.headers.get("location") ?? "", body: Buffer.from(await response.arrayBuffer()) };
}

// --- Sessions ---
const session = await staffSession(a, "window01").catch((e) => fail(e.message));
for (const base of both) {
  const queue = await get(base, "/admin", session);
  if (queue.status !== 200 || !queue.body.toString().includes("/api/staff/logout")) {
    fail(`the clerk's session from ${a} is not valid on ${base}: /admin answers ${queue.status} ${queue.location}`);
  }
}
const brief = await staffSession(b, "window01").catch((e) => fail(e.message));
const out = await post(a, "/api/staff/logout", new URLSearchParams(), brief);
if (out.status >= 400) fail(`signing out on ${a} answered ${out.status}`);
for (const base of both) {
  const after = await get(base, "/admin", brief);
  if (after.status === 200 && after.body.toString().includes("/api/staff/logout")) fail(`a session signed out on ${a} still works on ${base}`);
}
console.log("scale-out: a clerk's session works on both processes; signing out on one ends it on both");

// --- Submissions hopping between processes ---
const filed = [];
async function applicant(i) {
  for (let n = 0; n < EACH; n++) {
    const { cookie } = applicantCookie();
    const file = pdf(`applicant ${i} application ${n} ${Math.random()}`);
    const first = both[(i + n) % 2];
    const steps = { answers: first, upload: other(first), submit: both[(i + n + Math.floor(n / 2)) % 2] };
    const number = await apply((step) => steps[step], cookie, file).catch((e) => fail(`an application failed (${JSON.stringify(steps)}): ${e.message}`));
    filed.push({ number, cookie, file, submittedOn: steps.submit });
  }
}
await Promise.all(Array.from({ length: APPLICANTS }, (_, i) => applicant(i)));
const numbers = new Set(filed.map((f) => f.number));
if (numbers.size !== filed.length) fail(`${filed.length} submissions got only ${numbers.size} distinct tracking numbers`);
const onA = filed.filter((f) => f.submittedOn === a).length;
if (onA === 0 || onA === filed.length) fail("the submissions did not go to both processes");
for (const f of filed) {
  const receipt = await get(other(f.submittedOn), `/receipt/${f.number}`, f.cookie);
  if (receipt.status !== 200 || !receipt.body.toString().includes(f.number)) fail(`receipt ${f.number} answers ${receipt.status} on the process that did not file it`);
}
console.log(`scale-out: ${filed.length} submissions (${onA} filed on one process, ${filed.length - onA} on the other), ${numbers.size} distinct tracking numbers, every receipt opens on the other process`);

// --- Uploads visible to both ---
let compared = 0;
for (const f of filed.slice(0, 16)) {
  const page = await get(a, `/admin/cases/${f.number}`, session);
  const id = /\/admin\/materials\/(\d+)/.exec(page.body.toString())?.[1];
  if (page.status !== 200 || !id) fail(`the clerk's page for ${f.number} answers ${page.status} without a material to view`);
  for (const base of both) {
    const file = await get(base, `/admin/materials/${id}`, session);
    if (file.status !== 200 || !file.body.equals(f.file)) fail(`material ${id} of ${f.number} answers ${file.status} with ${file.body.length} bytes on ${base}, not the ${f.file.length} uploaded`);
    compared++;
  }
}
console.log(`scale-out: ${compared} downloads from both processes match the uploaded bytes`);

// --- Decisions on both; their messages are checked by the script ---
const queue = [...filed];
async function clerk(base) {
  const own = await staffSession(base, "window01").catch((e) => fail(e.message));
  for (let f = queue.shift(); f; f = queue.shift()) {
    await accept(base, own, f.number).catch((e) => fail(`accepting on ${base}: ${e.message}`));
  }
}
await Promise.all([clerk(a), clerk(b), clerk(a), clerk(b)]);
console.log(`scale-out: ${filed.length} cases accepted, on both processes`);
