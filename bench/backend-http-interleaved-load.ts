/**
 * Paired capacity for bench/backend-http.ts: several servers measured in the SAME seconds by
 * taking turns in short slices (default 250 ms), each slice loading one server with its own
 * keep-alive connections, one request in flight per connection, no rate limit (closed loop).
 *
 * Why: this host's speed drifts by a third and more within a minute (the load generator's own
 * cost per request has ranged 26–69 µs in one afternoon), so two servers measured one after the
 * other, even seconds apart, differ by the host as much as by themselves. Slices a quarter of a
 * second long, alternated over many seconds, give every server the same share of fast and slow
 * moments: the ratio of their capacities is then the servers' own. (Benchmark harnesses that
 * interleave their repetitions do it for the same reason.)
 *
 * A slice ends by sending nothing more to its server and waiting for the answers in flight, so
 * slices never overlap; a server's time is its slices' time, drain included. Answers and latencies
 * are counted after a warm-up of whole rounds. Each round visits the servers in a rotated order,
 * so none always follows the same one.
 *
 * Input: the path of a JSON InterleavedPlan (argv[2]). Output: one JSON InterleavedReport line.
 */
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { ChallengeQueue, checkRequest, nextChallengeOf, openConnection, percentile, type CheckBody, type RawConnection } from './raw-http-client.js';

export interface InterleavedPlan extends CheckBody {
  targets: Array<{ name: string; url: string; challenges: Array<[string, string]> }>;
  /** Connections per server. */
  connections: number;
  sliceMs: number;
  /** Rounds not counted (each visits every server once). */
  warmupRounds: number;
  rounds: number;
}

export interface InterleavedTarget {
  name: string;
  /** Answers in counted slices per second of those slices. */
  achieved: number;
  completed: number;
  seconds: number;
  p50: number;
  p99: number;
  refused: number;
  errors: number;
  /** Per counted round: this server's answers per second in its slice of that round. */
  perRound: number[];
}

export interface InterleavedReport {
  targets: InterleavedTarget[];
  /** Answers over all slices, warm-up included (for CPU per answer), and this process's CPU time (µs). */
  completedAll: Record<string, number>;
  clientCpuMicros: number;
}

interface Flight {
  target: Target;
  /** performance.now() the request was sent; -1: idle. */
  sentAt: number;
}
type Connection = RawConnection<Flight>;

interface Target {
  name: string;
  host: string;
  queue: ChallengeQueue;
  connections: Connection[];
  inFlight: number;
  /** Answers, latencies and refusals of the slice being run. */
  slice: { completed: number; refused: number; latencies: number[] };
  counted: { completed: number; refused: number; seconds: number; latencies: number[]; perRound: number[] };
  completedAll: number;
  errors: number;
}

const plan = JSON.parse(readFileSync(process.argv[2]!, 'utf8')) as InterleavedPlan;
let active: Target | undefined;
let drained: (() => void) | undefined;
let closing = false;

function send(c: Connection): void {
  c.state.sentAt = performance.now();
  c.state.target.inFlight++;
  c.socket.write(checkRequest(c.state.target.host, plan, c.state.target.queue), 'latin1');
}

function settled(t: Target): void {
  t.inFlight--;
  if (t.inFlight === 0 && t !== active && drained) drained();
}

async function open(t: Target, url: URL): Promise<Connection> {
  return openConnection<Flight>(Number(url.port), url.hostname, { target: t, sentAt: -1 }, {
    onAnswer(c, accepted, body) {
      const next = nextChallengeOf(body);
      if (next) t.queue.push(next);
      if (c.state.sentAt < 0) return;
      t.slice.completed++;
      t.completedAll++;
      if (!accepted) t.slice.refused++;
      t.slice.latencies.push(performance.now() - c.state.sentAt);
      c.state.sentAt = -1;
      // Closed loop while the slice is this server's; otherwise the connection waits.
      if (active === t) send(c);
      settled(t);
    },
    onUnreadable: () => void t.errors++,
    onClose(c) {
      if (closing) return;
      t.errors++;
      if (c.state.sentAt >= 0) {
        c.state.sentAt = -1;
        settled(t);
      }
      const i = t.connections.indexOf(c);
      if (i >= 0) t.connections.splice(i, 1);
      void open(t, url).then((fresh) => {
        t.connections.push(fresh);
        if (active === t) send(fresh);
      });
    },
  });
}

/** One slice of `t`: load for sliceMs, then wait for its answers in flight. Returns its length in ms. */
async function slice(t: Target): Promise<number> {
  t.slice = { completed: 0, refused: 0, latencies: [] };
  const start = performance.now();
  active = t;
  for (const c of t.connections) if (c.state.sentAt < 0) send(c);
  await new Promise((resolve) => setTimeout(resolve, plan.sliceMs));
  active = undefined;
  if (t.inFlight > 0) {
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, 5_000);
      drained = () => {
        clearTimeout(timer);
        resolve();
      };
    });
    drained = undefined;
  }
  // Answers still missing after 5 s: their requests count as errors (and the slice as its time).
  if (t.inFlight > 0) {
    t.errors += t.inFlight;
    for (const c of t.connections) c.socket.destroy();
  }
  return performance.now() - start;
}

const targets: Target[] = [];
for (const spec of plan.targets) {
  const url = new URL(spec.url);
  const t: Target = {
    name: spec.name,
    host: url.host,
    queue: new ChallengeQueue(spec.challenges),
    connections: [],
    inFlight: 0,
    slice: { completed: 0, refused: 0, latencies: [] },
    counted: { completed: 0, refused: 0, seconds: 0, latencies: [], perRound: [] },
    completedAll: 0,
    errors: 0,
  };
  for (let i = 0; i < plan.connections; i++) t.connections.push(await open(t, url));
  targets.push(t);
}

for (let round = 0; round < plan.warmupRounds + plan.rounds; round++) {
  // Rotated order: A B C, B C A, C A B, … so no server always follows the same one.
  for (let k = 0; k < targets.length; k++) {
    const t = targets[(round + k) % targets.length]!;
    const ms = await slice(t);
    if (round < plan.warmupRounds) continue;
    t.counted.completed += t.slice.completed;
    t.counted.refused += t.slice.refused;
    t.counted.seconds += ms / 1000;
    t.counted.perRound.push(t.slice.completed / (ms / 1000));
    for (const l of t.slice.latencies) t.counted.latencies.push(l);
  }
}
closing = true;
for (const t of targets) for (const c of t.connections) c.socket.destroy();

const report: InterleavedReport = {
  targets: targets.map((t) => {
    const sorted = Float64Array.from(t.counted.latencies).sort();
    return {
      name: t.name,
      achieved: t.counted.completed / t.counted.seconds,
      completed: t.counted.completed,
      seconds: t.counted.seconds,
      p50: percentile(sorted, 50),
      p99: percentile(sorted, 99),
      refused: t.counted.refused,
      errors: t.errors,
      perRound: t.counted.perRound,
    };
  }),
  completedAll: Object.fromEntries(targets.map((t) => [t.name, t.completedAll])),
  clientCpuMicros: (({ user, system }) => user + system)(process.cpuUsage()),
};
process.stdout.write(`${JSON.stringify(report)}\n`);
process.exit(0);
