/**
 * The cheap load generator of bench/backend-http.ts: keep-alive HTTP/1.1 over raw sockets, one
 * request in flight per connection (no pipelining, like a real client), requests released at an
 * EVEN fixed arrival rate (checked every millisecond, so at 10,000/s about 10 per tick, not
 * autocannon's per-second bursts). Same input and output as bench/backend-http-load.ts
 * (LoadPlan → LoadReport), so the two can be compared on the same servers.
 *
 * Open loop: a request is due at start + i / rate whether or not a connection is free; one that
 * waits for a connection waits in a queue, and its latency counts from when it was DUE (no
 * coordinated omission). Requests still queued when the window ends are never sent, so a server
 * that cannot keep up shows it in `achieved` as well as in p99.
 *
 * The response parser knows only what these servers send: a status line, headers with
 * Content-Length, and a body (no chunked encoding: such an answer is counted as an error).
 */
import { readFileSync } from 'node:fs';
import net from 'node:net';
import { performance } from 'node:perf_hooks';
import type { LoadPlan, LoadReport, RunNumbers } from './backend-http-load.js';
import { runLoadPlan } from './load-plan.js';

const plan = JSON.parse(readFileSync(process.argv[2]!, 'utf8')) as LoadPlan;
const target = new URL(plan.url);
const port = Number(target.port);
const host = target.hostname;

/** Challenges to use, a ring without shifting: [id, base64 nonce]. */
const queue: Array<[string, string]> = [...plan.challenges];
let queueHead = 0;
const takeChallenge = (): [string, string] => {
  if (queueHead >= queue.length) return ['none', ''];
  const c = queue[queueHead++]!;
  if (queueHead > 4096) {
    queue.splice(0, queueHead);
    queueHead = 0;
  }
  return c;
};

const HEAD = `POST /v1/card-checks HTTP/1.1\r\nHost: ${target.host}\r\nContent-Type: application/json\r\nContent-Length: `;
const HEADER_END = Buffer.from('\r\n\r\n');
const CONTENT_LENGTH = 'content-length:';
const ACCEPTED = Buffer.from('{"accepted":true');
const NEXT = Buffer.from('"nextChallenge":{"challengeId":"');
const NONCE = Buffer.from('"nonce":"');
const QUOTE = 0x22;

function request(): string {
  const [id, nonce] = takeChallenge();
  const signature = plan.signatures[nonce] ?? 'AAAA';
  // Every part is ASCII (base64, digits, JSON punctuation): length in characters = bytes.
  const body = `${plan.bodyHead}${id}","signature":"${signature}${plan.bodyTail}`;
  return `${HEAD}${body.length}\r\n\r\n${body}`;
}

/** The next challenge out of an answer, found in the bytes (no JSON parse: the client must stay light). */
function takeNextChallenge(body: Buffer): void {
  const at = body.indexOf(NEXT);
  if (at < 0) return;
  const idStart = at + NEXT.length;
  const idEnd = body.indexOf(QUOTE, idStart);
  const nonceStart = body.indexOf(NONCE, idEnd) + NONCE.length;
  const nonceEnd = body.indexOf(QUOTE, nonceStart);
  queue.push([body.toString('latin1', idStart, idEnd), body.toString('latin1', nonceStart, nonceEnd)]);
}

interface Connection {
  socket: net.Socket;
  /** performance.now() the request in flight was due (its latency counts from then); -1: idle. */
  dueAt: number;
  pending: Buffer | undefined;
}

// The current run's counters.
let latencies = new Float64Array(1 << 20);
let latencyCount = 0;
let refused = 0;
let errors = 0;
let windowEnd = Infinity;
let inWindow = 0;
let completed = 0;
/** Due times of requests waiting for a free connection (a ring). */
let due: number[] = [];
let dueHead = 0;
const idle: Connection[] = [];
let inFlight = 0;
let unlimited = false;

function record(c: Connection, ok: boolean): void {
  const now = performance.now();
  completed++;
  if (now <= windowEnd) {
    inWindow++;
    if (latencyCount === latencies.length) {
      const bigger = new Float64Array(latencies.length * 2);
      bigger.set(latencies);
      latencies = bigger;
    }
    latencies[latencyCount++] = now - c.dueAt;
    if (!ok) refused++;
  }
  c.dueAt = -1;
  inFlight--;
}

function onData(c: Connection, chunk: Buffer): void {
  let buf = c.pending === undefined ? chunk : Buffer.concat([c.pending, chunk]);
  for (;;) {
    const headerEnd = buf.indexOf(HEADER_END);
    if (headerEnd < 0) break;
    const header = buf.toString('latin1', 0, headerEnd).toLowerCase();
    const at = header.indexOf(CONTENT_LENGTH);
    if (at < 0) {
      // Not something this client reads (chunked?): count it and start over on a new socket.
      errors++;
      c.socket.destroy();
      return;
    }
    const length = Number.parseInt(header.slice(at + CONTENT_LENGTH.length), 10);
    const total = headerEnd + 4 + length;
    if (buf.length < total) break;
    const status = buf[9]! * 100 + buf[10]! * 10 + buf[11]! - 0x30 * 111;
    const body = buf.subarray(headerEnd + 4, total);
    const accepted = status === 200 && body.subarray(0, ACCEPTED.length).equals(ACCEPTED);
    takeNextChallenge(body);
    if (c.dueAt >= 0) record(c, accepted);
    buf = buf.subarray(total);
    release(c);
    if (buf.length === 0) break;
  }
  c.pending = buf.length > 0 ? buf : undefined;
}

function connect(): Promise<Connection> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host, port, noDelay: true });
    const c: Connection = { socket, dueAt: -1, pending: undefined };
    socket.once('connect', () => resolve(c));
    socket.once('error', reject);
    socket.on('data', (chunk: Buffer) => onData(c, chunk));
    socket.on('close', () => {
      // A lost connection: its request (if any) is an error; a new one takes its place.
      if (c.dueAt >= 0) {
        errors++;
        inFlight--;
      }
      const i = idle.indexOf(c);
      if (i >= 0) idle.splice(i, 1);
      if (!closing) {
        connect().then(release, () => errors++);
      }
    });
    socket.on('error', () => undefined);
  });
}

function send(c: Connection, dueAt: number): void {
  c.dueAt = dueAt;
  inFlight++;
  c.socket.write(request(), 'latin1');
}

/** A connection is free: it takes the oldest waiting request, or (no rate limit) a new one. */
function release(c: Connection): void {
  if (dueHead < due.length) send(c, due[dueHead++]!);
  else if (unlimited && performance.now() < windowEnd) send(c, performance.now());
  else idle.push(c);
}

let closing = false;

/** One run of `seconds`; `rate` 0 sends as fast as the answers come back. */
async function run(rate: number, seconds: number): Promise<RunNumbers> {
  latencyCount = 0;
  refused = 0;
  errors = 0;
  inWindow = 0;
  due = [];
  dueHead = 0;
  const start = performance.now();
  windowEnd = start + seconds * 1000;
  unlimited = rate === 0;
  if (unlimited) {
    for (const c of idle.splice(0)) send(c, performance.now());
  } else {
    const total = Math.round(rate * seconds);
    let released = 0;
    const interval = 1000 / rate;
    await new Promise<void>((resolve) => {
      const tick = (): void => {
        const now = performance.now();
        const upTo = Math.min(total, Math.floor((now - start) / interval) + 1);
        for (; released < upTo; released++) due.push(start + released * interval);
        while (dueHead < due.length && idle.length > 0) send(idle.shift()!, due[dueHead++]!);
        if (dueHead > 65_536) {
          due = due.slice(dueHead);
          dueHead = 0;
        }
        if (now >= windowEnd) {
          clearInterval(timer);
          resolve();
        }
      };
      const timer = setInterval(tick, 1);
    });
  }
  if (unlimited) await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
  unlimited = false;
  // Requests never sent are dropped; the ones in flight are waited for (not counted as achieved).
  due = [];
  dueHead = 0;
  const deadline = performance.now() + 5000;
  while (inFlight > 0 && performance.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 2));
  const sorted = latencies.subarray(0, latencyCount).sort();
  const pct = (p: number): number => (latencyCount === 0 ? 0 : sorted[Math.min(latencyCount - 1, Math.floor((p / 100) * latencyCount))]!);
  return { offered: rate, achieved: inWindow / seconds, p50: pct(50), p99: pct(99), refused, errors: errors + (inFlight > 0 ? inFlight : 0) };
}

for (let i = 0; i < plan.connections; i++) idle.push(await connect());
const { fixed, max, sweep, sustained } = await runLoadPlan(plan, run);
closing = true;
for (const c of idle) c.socket.destroy();
const cpu = process.cpuUsage();
const report: LoadReport = { fixed, max, sweep, sustained, completed, clientCpuMicros: cpu.user + cpu.system };
process.stdout.write(`${JSON.stringify(report)}\n`);
process.exit(0);
