/**
 * Reader throughput: full reader flows per second through the pure machine (src/sim-reader/
 * machine.ts) with canned card and terminal answers — no card crypto, no sockets. One flow is
 * card placed → read → challenge → method → PIN/face/目視 → verdict → consent → completed →
 * card removed; PIN, face, 目視 and an Android smartphone with a carried-over consent rotate.
 * Target (issue 6): ≥ 2,000 flows/s.
 *
 * Baseline, measured in the same run over the very same event sequences: a no-op reducer
 * (`state → state`, reading only the event's type). The ratio machine / baseline says how much of
 * the no-op loop's speed the real machine keeps. A second line also renders the screen
 * (screenOf) after every event, as the runtime does; a third renders the text and HTML snapshot
 * of every screen change (snapshot.ts), as a reporter recording every transition would.
 * Prints the numbers and exits 0. Run: npx tsx bench/reader.ts [--seconds 2]
 */
import { initialState, screenOf, step, type ReaderEvent, type ReaderState } from '../src/sim-reader/machine.js';
import { readerProfile } from '../src/sim-reader/profiles/index.js';
import { screenAsHtml, screenAsText } from '../src/sim-reader/snapshot.js';

const secondsArg = process.argv.indexOf('--seconds');
const SECONDS = secondsArg > 0 ? Number(process.argv[secondsArg + 1]) : 2;
const TARGET = 2000;

// Canned answers: a 1,200-byte stand-in certificate, a 32-byte nonce, 256-byte signatures.
const CERT = Uint8Array.from({ length: 1200 }, (_, i) => (i * 31) & 0xff);
CERT.set([0x30, 0x82, 0x04, 0xac]);
const SIG = Uint8Array.from({ length: 256 }, (_, i) => (i * 7) & 0xff);
const NONCE_B64 = Buffer.from(Uint8Array.from({ length: 32 }, (_, i) => i)).toString('base64');

/** The smartphone sub-flow (Android, PIN typed on the reader) ending in «前回と同じ». */
function phoneFlow(sessionId: string): ReaderEvent[] {
  const previousConsent = { diagnosis: false, pharmacy: true, checkup: true, operation: false };
  return [
    { type: 'choose.phone', sessionId },
    { type: 'choose.os', os: 'android' },
    { type: 'pin.entered', pin: '5678' },
    { type: 'phone.tapped' },
    { type: 'card.read-ok', certificate: CERT, pinTriesLeft: 3, holderName: '渡辺　花子' },
    { v: 1, type: 'challenge', sessionId, challengeId: `c-${sessionId}`, nonce: NONCE_B64 },
    { type: 'pin.ok', signature: SIG },
    { v: 1, type: 'auth.verdict', sessionId, accepted: true, checkId: `k-${sessionId}`, previousConsent },
    { type: 'consent.carry-over' },
    { v: 1, type: 'session.completed', sessionId },
    { type: 'card.removed' },
  ];
}

function flow(sessionId: string, method: 'pin' | 'face' | 'visual'): ReaderEvent[] {
  const verdict: ReaderEvent = { v: 1, type: 'auth.verdict', sessionId, accepted: true, checkId: `k-${sessionId}` };
  const auth: ReaderEvent[] =
    method === 'pin'
      ? [{ type: 'choose.pin' }, { type: 'pin.entered', pin: '1234' }, { type: 'pin.ok', signature: SIG }]
      : method === 'face'
        ? [{ type: 'choose.face' }, { type: 'face.presented', match: true, score: 0.93 }, { type: 'face.attested', signature: SIG, score: 0.93 }]
        : [{ v: 1, type: 'visual.confirmed' }, { type: 'face.attested', signature: SIG, score: 0 }];
  return [
    ...(method === 'visual' ? [{ v: 1, type: 'mode.set', mode: 'visual' } as ReaderEvent] : []),
    { type: 'card.placed', sessionId },
    { type: 'card.read-ok', certificate: CERT, pinTriesLeft: 3, holderName: '渡辺　太郎' },
    { v: 1, type: 'challenge', sessionId, challengeId: `c-${sessionId}`, nonce: NONCE_B64 },
    ...auth,
    verdict,
    { type: 'consent.agree-all' },
    { v: 1, type: 'session.completed', sessionId },
    ...(method === 'visual' ? [{ v: 1, type: 'mode.set', mode: 'auto' } as ReaderEvent] : []),
    { type: 'card.removed' },
  ];
}

const FLOWS: ReaderEvent[][] = [...(['pin', 'face', 'visual'] as const).map((m, i) => flow(`r1-s${i + 1}`, m)), phoneFlow('r1-s4')];
const start = (): ReaderState => step(initialState({ readerId: 'r1', profile: readerProfile('vendor-c') }), { type: 'link.up' }).state;

interface Rate {
  flows: number;
  seconds: number;
}

/** Runs whole flows for about `seconds`; `reduce` is the transition under test. */
function measure(reduce: (s: ReaderState, e: ReaderEvent) => ReaderState, seconds: number, check: boolean): Rate {
  let state = start();
  let flows = 0;
  const t0 = performance.now();
  const deadline = t0 + seconds * 1000;
  while (performance.now() < deadline) {
    for (let batch = 0; batch < 300; batch++) {
      const events = FLOWS[flows % FLOWS.length]!;
      let sawDone = false;
      for (const e of events) {
        state = reduce(state, e);
        if (state.screen === 'done') sawDone = true;
      }
      if (check && !sawDone) throw new Error(`bench: flow ${flows % FLOWS.length} did not reach 'done' (ended on '${state.screen}')`);
      flows++;
    }
  }
  return { flows, seconds: (performance.now() - t0) / 1000 };
}

let sink = 0;
const noop = (s: ReaderState, e: ReaderEvent): ReaderState => {
  sink += e.type.length;
  return s;
};
const machine = (s: ReaderState, e: ReaderEvent): ReaderState => step(s, e).state;
const withScreens = (s: ReaderState, e: ReaderEvent): ReaderState => {
  const next = step(s, e).state;
  sink += screenOf(next).lines.length;
  return next;
};

let lastScreen: ReaderState['screen'] | null = null;
let lastMessage: string | null = null;
const withSnapshots = (s: ReaderState, e: ReaderEvent): ReaderState => {
  const next = step(s, e).state;
  if (next.screen !== lastScreen || next.message !== lastMessage) {
    lastScreen = next.screen;
    lastMessage = next.message;
    const screen = screenOf(next);
    sink += screenAsText(screen).length + screenAsHtml(screen).length;
  }
  return next;
};

const perSecond = (r: Rate): number => r.flows / r.seconds;
const fmt = (n: number): string => Math.round(n).toLocaleString('en-US');

// Warm-up (JIT), then the measured runs.
measure(machine, 0.3, true);
measure(noop, 0.2, false);
const base = perSecond(measure(noop, SECONDS / 2, false));
const pure = perSecond(measure(machine, SECONDS, true));
const rendered = perSecond(measure(withScreens, SECONDS, true));
const snapshotted = perSecond(measure(withSnapshots, SECONDS, true));
const eventsPerFlow = FLOWS.reduce((n, f) => n + f.length, 0) / FLOWS.length;

const out = [
  `reader flows (${eventsPerFlow.toFixed(1)} events each; PIN / face / 目視 / Android phone rotating; canned card results)`,
  `baseline: no-op reducer, same events   ${fmt(base)} flows/s`,
  `machine: step()                       ${fmt(pure)} flows/s   ratio ${(pure / base).toFixed(4)} of baseline   target ≥ ${fmt(TARGET)}/s: ${pure >= TARGET ? 'met' : 'NOT met'}`,
  `machine + screenOf() every event      ${fmt(rendered)} flows/s   ratio ${(rendered / base).toFixed(4)} of baseline`,
  `machine + text/HTML snapshot per screen ${fmt(snapshotted)} flows/s   ratio ${(snapshotted / base).toFixed(4)} of baseline`,
];
// `sink` keeps the optimiser from dropping the loops' work; it is never negative.
if (sink < 0) out.push(String(sink));
process.stdout.write(`${out.join('\n')}\n`);
