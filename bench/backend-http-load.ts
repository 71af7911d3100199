/**
 * The load generator of bench/backend-http.ts, in its own process so that its CPU is not the
 * server's: autocannon sends one-request card checks (POST /v1/card-checks with `qualification`)
 * at a fixed arrival rate (`overallRate`) over keep-alive connections, then sweeps the rate up.
 *
 * Each request uses a challenge taken from an earlier answer's `nextChallenge` (a shared queue:
 * any connection may use any challenge, each once) and the card signature over that challenge's
 * nonce, looked up among signatures made before the run (see backend-http.ts for why).
 *
 * Input: the path of a JSON LoadPlan (argv[2]). Output: one JSON LoadReport line on stdout.
 */
import { readFileSync } from 'node:fs';
import autocannon from 'autocannon';
import { runLoadPlan } from './load-plan.js';

export interface LoadPlan {
  url: string;
  connections: number;
  /** The request body around the challenge id and the signature. */
  bodyHead: string;
  bodyTail: string;
  /** base64 nonce → base64 card signature over it. */
  signatures: Record<string, string>;
  /** Challenges to start with (id, base64 nonce). */
  challenges: Array<[string, string]>;
  warmupSeconds: number;
  /** The fixed-rate run: offered checks/s and seconds. */
  fixed: { rate: number; seconds: number };
  /** Then as fast as the server answers (no rate limit), for this many seconds: the capacity. */
  maxSeconds: number;
  /** Rates tried in order, `stepSeconds` each, until one is not sustained. */
  sweep: { rates: number[]; stepSeconds: number; p99BoundMs: number; minShare: number };
}

export interface RunNumbers {
  offered: number;
  achieved: number;
  p50: number;
  p99: number;
  /** Answers without `"accepted":true`, non-2xx and socket errors/timeouts. */
  refused: number;
  errors: number;
}

export interface LoadReport {
  fixed: RunNumbers;
  /** The unthrottled run (`offered` 0: no limit). */
  max: RunNumbers;
  sweep: RunNumbers[];
  /** Highest offered rate sustained (achieved ≥ minShare of it, p99 ≤ bound); 0 if none. */
  sustained: number;
  /** Answers received over all runs (warm-up included), and this process's CPU time (µs) for them. */
  completed: number;
  clientCpuMicros: number;
}

const plan = JSON.parse(readFileSync(process.argv[2]!, 'utf8')) as LoadPlan;
const queue: Array<[string, string]> = [...plan.challenges];
let refused = 0;
let completed = 0;
const NEXT = '"nextChallenge":{"challengeId":"';
const NONCE = '"nonce":"';

/** The next challenge out of an answer without parsing the whole JSON (the client must stay light). */
function takeNextChallenge(body: string): void {
  const at = body.indexOf(NEXT);
  if (at < 0) return;
  const idStart = at + NEXT.length;
  const idEnd = body.indexOf('"', idStart);
  const nonceStart = body.indexOf(NONCE, idEnd) + NONCE.length;
  const nonceEnd = body.indexOf('"', nonceStart);
  queue.push([body.slice(idStart, idEnd), body.slice(nonceStart, nonceEnd)]);
}

/** One autocannon run; `rate` 0 sends as fast as the answers come back. */
async function run(rate: number, seconds: number): Promise<RunNumbers> {
  refused = 0;
  const result = await autocannon({
    url: plan.url,
    connections: plan.connections,
    duration: seconds,
    ...(rate > 0 ? { overallRate: rate } : {}),
    requests: [
      {
        method: 'POST',
        path: '/v1/card-checks',
        headers: { 'content-type': 'application/json' },
        setupRequest: (req) => {
          // An empty queue (answers lost to errors) is refilled by a refused check's nextChallenge.
          const [id, nonce] = queue.shift() ?? ['none', ''];
          const signature = plan.signatures[nonce] ?? 'AAAA';
          // autocannon hands a fresh copy of the request each time: set the body in place.
          req.body = `${plan.bodyHead}${id}","signature":"${signature}${plan.bodyTail}`;
          return req;
        },
        onResponse: (status, body) => {
          if (status !== 200 || !body.startsWith('{"accepted":true')) refused++;
          takeNextChallenge(body);
        },
      },
    ],
  });
  completed += result.requests.total;
  return {
    offered: rate,
    achieved: result.requests.total / result.duration,
    p50: result.latency.p50,
    p99: result.latency.p99,
    refused,
    errors: result.errors + result.timeouts + result.non2xx,
  };
}

const { fixed, max, sweep, sustained } = await runLoadPlan(plan, run);
const cpu = process.cpuUsage();
const report: LoadReport = { fixed, max, sweep, sustained, completed, clientCpuMicros: cpu.user + cpu.system };
process.stdout.write(`${JSON.stringify(report)}\n`);
