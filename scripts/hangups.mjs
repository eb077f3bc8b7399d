// Clients that hang up: requests for every kind of page the portal renders (and a
// server function), many at once, each cut off at a random moment (before the
// answer, during it, or after reading a little) with a reset, or read whole; HEAD
// requests too, whose body no one reads. A page whose render is dropped half way,
// or a task that outlives its page, showed up as panics in the server's log (a few
// in ten thousand); scripts/test checks the log after this runs.
//
//   node scripts/hangups.mjs BASE_URL REQUESTS CONCURRENCY TRACKING_NUMBER
import net from "node:net";

const [base, total = "6000", concurrency = "24", tracking = "350102202601010000010"] = process.argv.slice(2);
const { hostname, port } = new URL(base);

const paths = [
  "/", "/m", "/services", "/m/services?q=sydj", "/services/HLT-0001", "/m/services/CIV-0001",
  "/services/HLT-0001/apply", "/m/services/HLT-0001/apply", "/bundles", "/bundles/BND-0001", "/bundles/BND-0001/apply",
  "/track", "/m/track", `/receipt/${tracking}`, "/verify/AAAAAAAAAAAAAAAAAAAA",
  "/me", "/m/me", "/demo/messages", "/admin", "/admin/login", "/admin/calendar", `/admin/cases/${tracking}`,
  "/apply/no-such-draft/materials", "/apply/no-such-draft/check", "/no-such-page",
];
const methods = ["GET", "GET", "GET", "HEAD", "POST"];
const pick = (list) => list[Math.floor(Math.random() * list.length)];
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function once() {
  return new Promise((resolve) => {
    const method = pick(methods);
    // A POST to a page or a server function with a body it cannot parse.
    const path = method === "POST" ? pick(["/api/applications/answers", "/api/catalog/suggest", ...paths.slice(0, 4)]) : pick(paths);
    const body = method === "POST" ? "draft=%ZZ&answers" : "";
    const socket = net.connect({ host: hostname, port: Number(port) });
    const done = () => resolve();
    socket.on("error", done);
    socket.on("close", done);
    socket.on("connect", async () => {
      socket.write(
        `${method} ${path} HTTP/1.1\r\nHost: ${hostname}:${port}\r\nAccept: text/html\r\nOrigin: ${base}\r\n` +
          `Content-Type: application/x-www-form-urlencoded\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
      );
      const mode = Math.random();
      if (mode < 0.25) {
        socket.resume(); // read it whole; the server closes
        return;
      }
      await sleep(pick([0, 0, 0.5, 1, 2, 5, 10, 20, 50]));
      if (mode < 0.5) {
        socket.resume();
        await sleep(pick([0, 1, 3]));
      }
      socket.resetAndDestroy();
    });
  });
}

let started = 0;
async function worker() {
  while (started < Number(total)) {
    started += 1;
    await once();
  }
}
await Promise.all(Array.from({ length: Number(concurrency) }, worker));
console.log(`${total} requests, ${concurrency} at a time, most of them cut off`);
// Sockets reset mid-handshake can keep Node's loop spinning after the last request.
process.exit(0);
