/**
 * The baseline of bench/backend-http.ts: a bare node:http server answering the same bytes as
 * central to every request, in its own process as plain JavaScript (bench/compile.ts), like
 * central, so that neither side carries tsx's wrappers.
 *
 * Input: the path of the answer to serve (argv[2]). Prints `{"url":"http://…"}` once listening;
 * exits when stdin ends.
 */
import { readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

const sample = readFileSync(process.argv[2]!, 'utf8');
const length = Buffer.byteLength(sample);
const server = http.createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': length });
    res.end(sample);
  });
});
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`${JSON.stringify({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` })}\n`);
});
process.stdin.resume();
process.stdin.on('end', () => process.exit(0));
