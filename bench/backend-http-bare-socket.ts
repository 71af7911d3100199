/**
 * The second baseline of bench/backend-http.ts: a bare server on raw sockets (node:net) answering
 * the same bytes, with the same headers, as central's fast lane (src/sim-backend/central/
 * http-fast-lane.ts) does — the floor of that way of serving HTTP on this machine, as the bare
 * node:http server is the floor of node:http. Central's hot calls go through the fast lane, so
 * this is the like-for-like baseline; the issue's target is judged against node:http.
 *
 * It reads the least a keep-alive client needs: the head up to the blank line, Content-Length,
 * the body (then drops it). Input: the path of the answer to serve (argv[2]). Prints
 * `{"url":"http://…"}` once listening; exits when stdin ends.
 */
import { readFileSync } from 'node:fs';
import net from 'node:net';

const sample = readFileSync(process.argv[2]!);
const HEAD_END = Buffer.from('\r\n\r\n');
const CONTENT_LENGTH = /\r\ncontent-length:[ \t]*(\d+)/i;

let dateSecond = -1;
let dateText = '';
function date(): string {
  const second = Math.floor(Date.now() / 1000);
  if (second !== dateSecond) {
    dateSecond = second;
    dateText = new Date(second * 1000).toUTCString();
  }
  return dateText;
}

const server = net.createServer({ noDelay: true }, (socket) => {
  let pending: Buffer | undefined;
  socket.on('error', () => socket.destroy());
  socket.on('data', (chunk: Buffer) => {
    pending = pending === undefined ? chunk : Buffer.concat([pending, chunk]);
    for (;;) {
      const end = pending.indexOf(HEAD_END);
      if (end < 0) return;
      const length = Number(CONTENT_LENGTH.exec(pending.toString('latin1', 0, end))?.[1] ?? 0);
      const total = end + HEAD_END.length + length;
      if (pending.length < total) return;
      const head = `HTTP/1.1 200 OK\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${sample.length}\r\nDate: ${date()}\r\nConnection: keep-alive\r\nKeep-Alive: timeout=5\r\n\r\n`;
      const bytes = Buffer.allocUnsafe(head.length + sample.length);
      bytes.write(head, 0, 'latin1');
      sample.copy(bytes, head.length);
      socket.write(bytes);
      if (pending.length === total) {
        pending = undefined;
        return;
      }
      pending = pending.subarray(total);
    }
  });
});
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`${JSON.stringify({ url: `http://127.0.0.1:${(server.address() as net.AddressInfo).port}` })}\n`);
});
process.stdin.resume();
process.stdin.on('end', () => process.exit(0));
