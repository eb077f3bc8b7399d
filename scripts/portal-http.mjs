// What the Node drivers of the portal share (scripts/crash-load.mjs,
// scripts/scale-out.mjs): requests as a browser without JavaScript sends them, and
// the PDF they upload.
import { randomBytes } from "node:crypto";

/** HLT-0001's answers and the one material it requires: a whole application. */
export const SERVICE = "HLT-0001";
export const MATERIAL = "spouses_identity";
export const ANSWERS = {
  applicant_name: "林晓",
  applicant_id_number: "350102199003071234",
  applicant_phone: "13800138000",
  spouse_name: "陈明",
  spouse_id_number: "440308199901010012",
  child_order: "second",
  marriage_date: "2018-05-20",
};

/** A minimal one-page PDF. `note`, in a comment, makes its bytes (and digest) its own. */
export function pdf(note = "") {
  const objects = ["<< /Type /Catalog /Pages 2 0 R >>", "<< /Type /Pages /Kids [3 0 R] /Count 1 >>", "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>"];
  let body = `%PDF-1.4\n${note ? `% ${note}\n` : ""}`;
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

/** A form post to `base` as a browser sends it; answers the status, the redirect target and the cookies set. */
export async function post(base, path, body, cookie) {
  const response = await fetch(base + path, {
    method: "POST",
    body,
    redirect: "manual",
    headers: { Origin: base, Accept: "text/html", Cookie: cookie },
  });
  await response.arrayBuffer();
  return { status: response.status, location: response.headers.get("location") ?? "", setCookie: response.headers.getSetCookie() };
}

/** Signs a clerk in on `base`; answers the session cookie (`portal_staff=…`). */
export async function staffSession(base, username, password = "Demo-2026!") {
  const signedIn = await post(base, "/api/staff/login", new URLSearchParams({ username, password }), "");
  const session = signedIn.setCookie.map((c) => c.split(";")[0]).find((c) => c.startsWith("portal_staff="));
  if (!session) throw new Error(`${username} could not sign in on ${base}: ${signedIn.status} ${signedIn.location}`);
  return session;
}

/** A new applicant's browser: its token cookie. */
export function applicantCookie() {
  const token = randomBytes(16).toString("hex");
  return { token, cookie: `portal_applicant=${token}` };
}

/**
 * One application start to receipt, each step on the process `at(step)` names
 * (`answers`, `upload`, `submit`). Answers the tracking number; throws on anything
 * but the expected answer.
 */
export async function apply(at, cookie, file = pdf()) {
  const answers = new URLSearchParams({ service: SERVICE });
  for (const [k, v] of Object.entries(ANSWERS)) answers.append(`answers[${k}]`, v);
  const saved = await post(at("answers"), "/api/applications/answers", answers, cookie);
  const draft = /^\/apply\/([^/]+)\/materials/.exec(saved.location)?.[1];
  if (!draft) throw new Error(`answers: ${saved.status} ${saved.location}`);
  const upload = new FormData();
  upload.append("file", new Blob([file], { type: "application/pdf" }), "身份证.pdf");
  const uploaded = await post(at("upload"), `/apply/${draft}/materials/${MATERIAL}`, upload, cookie);
  if (!uploaded.location.includes(`uploaded=${MATERIAL}`)) throw new Error(`upload: ${uploaded.status} ${uploaded.location}`);
  const sent = await post(at("submit"), "/api/applications/submit", new URLSearchParams({ draft }), cookie);
  const number = /^\/receipt\/(\w+)$/.exec(sent.location)?.[1];
  if (!number) throw new Error(`submit: ${sent.status} ${sent.location}`);
  return number;
}

/** A clerk accepts a submitted case on `base`; throws unless answered as done. */
export async function accept(base, session, number) {
  const body = new URLSearchParams({ tracking: number, action: "accept", seen_status: "submitted", note: "" });
  const decided = await post(base, "/api/staff/decide", body, session);
  if (!decided.location.includes("done=accept")) throw new Error(`decide ${number}: ${decided.status} ${decided.location}`);
}

/** Prints why and exits 1. */
export function fail(who, message) {
  console.error(`${who}: ${message}`);
  process.exit(1);
}
