import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { main } from '../../src/runner/cli/main.js';
import { probeSut, remoteAdapter } from '../../src/runner/remote-adapter.js';
import { runScenarios } from '../../src/runner/run.js';
import { loadScenarioFiles, type LoadedScenario } from '../../src/scenarios/loader.js';
import { startFakeSut, type FakeSutKind } from './fake-suts.js';


process.env.MYNA_RIG_WORKERS ??= '1'; // threads are covered by tests/integration/workers.test.ts

/**
 * The remote SUT path end to end: `myna-rig reference serve` in a child process (from source
 * with tsx, which works on a fresh clone as well as on a tree whose dist/ is stale), the
 * built-in scenarios run against it over HTTP + the terminal's WebSocket; then fake SUTs that
 * hang, crash or answer garbage.
 */
const DIR = 'scenarios/conformance';
let scenarios: LoadedScenario[] = [];
let child: ChildProcess | undefined;
let sutUrl = '';

function startReferenceServe(): Promise<{ child: ChildProcess; url: string }> {
  const proc = spawn(process.execPath, ['--import', 'tsx', 'src/runner/cli/main-entry.ts', 'reference', 'serve', '--port', '0'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    const timer = setTimeout(() => reject(new Error(`reference serve printed no URL within 20 s; stdout: ${out} stderr: ${err}`)), 20_000);
    proc.stderr!.on('data', (d: Buffer) => (err += d.toString()));
    proc.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({ child: proc, url: m[1]! });
      }
    });
    proc.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`reference serve exited early with ${code}: ${err}`));
    });
  });
}

beforeAll(async () => {
  const files = readdirSync(DIR).filter((f) => f.endsWith('.yaml')).map((f) => join(DIR, f));
  const loaded = await loadScenarioFiles(files);
  expect(loaded.issues).toEqual([]);
  scenarios = loaded.scenarios;
  ({ child, url: sutUrl } = await startReferenceServe());
}, 30_000);

afterAll(async () => {
  if (child && child.exitCode === null) {
    const exited = new Promise((resolve) => child!.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
  }
});

describe('remote SUT: the reference reception as a standalone server', () => {
  it('introduces itself at GET / as the protocol says', async () => {
    expect(await probeSut(sutUrl)).toEqual({ protocol: 'myna-rig-sut', v: 1, name: 'reference-reception' });
  });

  it('passes every built-in scenario through the remote adapter, two at a time', async () => {
    const run = await runScenarios(scenarios, { adapter: remoteAdapter({ url: sutUrl, name: 'reference (remote)' }), seed: 1, reporters: [], concurrency: 2 });
    const problems = run.scenarios.filter((s) => s.status !== 'passed').map((s) => `${s.id}: ${s.error ?? s.failures.map((f) => f.message).join('; ')}`);
    expect(problems).toEqual([]);
    expect(run.summary.passed).toBe(scenarios.length);
    // The remote reception's decisions reached the report: the last step of a PIN check shows 3割.
    const pin = run.scenarios.find((s) => s.id === 'conformance/pin-check-accepted')!;
    expect(pin.steps.at(-1)?.outcome).toMatchObject({ status: 'accepted', copayRatio: 30 });
    expect(pin.traffic?.some((t) => t.from === 'reception' && t.label === 'ack')).toBe(true);
  }, 60_000);

  it('`myna-rig run --sut <url>` runs against it and names the SUT from GET /', async () => {
    const out = mkdtempSync(join(tmpdir(), 'myna-rig-remote-'));
    vi.spyOn(console, 'log').mockImplementation(() => {});
    try {
      const code = await main(['node', 'myna-rig', 'run', join(DIR, 'pin-check-accepted.yaml'), '--sut', sutUrl, '--output', out, '--reporter', 'json']);
      expect(code).toBe(0);
      const results = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8'));
      expect(results.sut).toBe('reference-reception');
      expect(results.summary).toMatchObject({ total: 1, passed: 1 });
    } finally {
      vi.restoreAllMocks();
    }
  }, 30_000);

  it('stops on SIGTERM with exit code 0', async () => {
    const exited = new Promise<number | null>((resolve) => child!.once('exit', (code) => resolve(code)));
    child!.kill('SIGTERM');
    expect(await exited).toBe(0);
  }, 10_000);
});

describe('remote SUT that predates the back-office kind home-qualification: a clear error, not a hang', () => {
  const cases: Array<[FakeSutKind, RegExp]> = [
    [
      'predates-home-qualification',
      /^SUT POST http:\/\/127\.0\.0\.1:\d+\/v1\/receptions\/r1\/back-office: answered HTTP 400: .*kind: Invalid input.* — the back-office answer kind "home-qualification" was added to v1 of the SUT protocol \(docs\/protocols\/sut\.md "Back office", 居宅同意取得型\); implement it/,
    ],
    ['ignores-home-qualification', /^SUT POST http:\/\/127\.0\.0\.1:\d+\/v1\/receptions\/r1\/back-office: took a "home-qualification" answer but its back office shows no homeVisit decision — the back-office answer kind "home-qualification" was added to v1/],
  ];
  it.each(cases)('%s', async (kind, reason) => {
    const fake = await startFakeSut(kind);
    try {
      const home = scenarios.filter((s) => s.scenario.id === 'conformance/home-consent-web-to-reception');
      const started = Date.now();
      const run = await runScenarios(home, { adapter: remoteAdapter({ url: fake.url, timeoutMs: 2000 }), seed: 1, reporters: [], concurrency: 1 });
      expect(run.scenarios.map((s) => s.status)).toEqual(['error']);
      expect(run.scenarios[0]!.error).toMatch(reason);
      // Failed at the hand-over, not by waiting out a deadline.
      expect(Date.now() - started).toBeLessThan(2000);
    } finally {
      await fake.close();
    }
  }, 30_000);
});

describe('remote SUT that misbehaves: the scenario fails with the reason, the run goes on', () => {
  const cases: Array<[FakeSutKind, RegExp]> = [
    ['hangs-on-start', /SUT POST http:\/\/127\.0\.0\.1:\d+\/v1\/receptions: no answer within 300 ms \(the SUT hangs/],
    ['crashes-on-start', /SUT POST http:\/\/127\.0\.0\.1:\d+\/v1\/receptions: cannot reach the SUT \(/],
    ['http-500', /SUT POST http:\/\/127\.0\.0\.1:\d+\/v1\/receptions: answered HTTP 500: NullPointerException at ReceptionController/],
    ['garbage-outcome', /SUT GET http:\/\/127\.0\.0\.1:\d+\/v1\/receptions\/r1\/outcome: the answer does not follow docs\/protocols\/sut\.md: outcome\.status: /],
    ['not-json', /SUT GET http:\/\/127\.0\.0\.1:\d+\/v1\/receptions\/r1\/outcome: the answer is not JSON: "<html>Service Unavailable/],
  ];
  it.each(cases)('%s', async (kind, reason) => {
    const fake = await startFakeSut(kind);
    try {
      const two = scenarios.filter((s) => ['conformance/pin-check-accepted', 'conformance/late-elder-one-tenth'].includes(s.scenario.id));
      const run = await runScenarios(two, { adapter: remoteAdapter({ url: fake.url, timeoutMs: 300 }), seed: 1, reporters: [], concurrency: 1 });
      expect(run.scenarios.map((s) => s.status)).toEqual(['error', 'error']);
      for (const s of run.scenarios) expect(s.error).toMatch(reason);
    } finally {
      await fake.close();
    }
  }, 30_000);
});
