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
import { performance } from 'node:perf_hooks';
import type { LoadPlan, LoadReport, RunNumbers } from './backend-http-load.js';
import { runLoadPlan } from './load-plan.js';
import { ChallengeQueue, checkRequest, nextChallengeOf, openConnection, percentile, type RawConnection } from './raw-http-client.js';

const plan = JSON.parse(readFileSync(process.argv[2]!, 'utf8')) as LoadPlan;
const target = new URL(plan.url);
const port = Number(target.port);
const host = target.hostname;
const queue = new ChallengeQueue(plan.challenges);

interface Due {
  /** performance.now() the request in flight was due (its latency counts from then); -1: idle. */
  dueAt: number;
}
type Connection = RawConnection<Due>;

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
    latencies[latencyCount++] = now - c.state.dueAt;
    if (!ok) refused++;
  }
  c.state.dueAt = -1;
  inFlight--;
}

function connect(): Promise<Connection> {
  return openConnection<Due>(port, host, { dueAt: -1 }, {
    onAnswer(c, accepted, body) {
      const next = nextChallengeOf(body);
      if (next) queue.push(next);
      if (c.state.dueAt >= 0) record(c, accepted);
      release(c);
    },
    // Not something this client reads (chunked?): count it; the socket is replaced (onClose).
    onUnreadable: () => void errors++,
    onClose(c) {
      // A lost connection: its request (if any) is an error; a new one takes its place.
      if (c.state.dueAt >= 0) {
        errors++;
        inFlight--;
      }
      const i = idle.indexOf(c);
      if (i >= 0) idle.splice(i, 1);
      if (!closing) {
        connect().then(release, () => errors++);
      }
    },
  });
}

function send(c: Connection, dueAt: number): void {
  c.state.dueAt = dueAt;
  inFlight++;
  c.socket.write(checkRequest(target.host, plan, queue), 'latin1');
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
  return { offered: rate, achieved: inWindow / seconds, p50: percentile(sorted, 50), p99: percentile(sorted, 99), refused, errors: errors + (inFlight > 0 ? inFlight : 0) };
}

for (let i = 0; i < plan.connections; i++) idle.push(await connect());
const { fixed, max, sweep, sustained } = await runLoadPlan(plan, run);
closing = true;
for (const c of idle) c.socket.destroy();
const cpu = process.cpuUsage();
const report: LoadReport = { fixed, max, sweep, sustained, completed, clientCpuMicros: cpu.user + cpu.system };
process.stdout.write(`${JSON.stringify(report)}\n`);
process.exit(0);
