import { describe, expect, it } from 'vitest';
import type { RunResult, ScenarioResult } from '../results.js';
import { consoleReporter, progressLine, progressWanted, type ProgressStream } from './console.js';

/** A stream that records what was written, pretending (or not) to be a terminal. */
function fakeStream(isTTY: boolean, columns = 80): ProgressStream & { chunks: string[] } {
  const chunks: string[] = [];
  return { isTTY, columns, chunks, write: (t: string) => (chunks.push(t), true) };
}

const result = (id: string, status: ScenarioResult['status']): ScenarioResult => ({
  id,
  title: id,
  file: 'x.yaml',
  line: 1,
  tags: [],
  troubles: [],
  sources: [],
  sut: 'reference-reception',
  seed: 1,
  status,
  durationMs: 5,
  steps: [],
  failures: [],
  repro: `npx myna-rig run x.yaml --id ${id} --seed 1`,
});

const run = (scenarios: ScenarioResult[]): RunResult => ({
  tool: { name: 'myna-rig', version: '0.1.0' },
  startedAt: '2026-01-01T00:00:00.000Z',
  sut: 'reference-reception',
  seed: 1,
  summary: { total: 2, passed: 1, failed: 1, errors: 0, flaky: 0, knownFailures: 0, stale: 0, durationMs: 10 },
  scenarios,
});

describe('progressWanted', () => {
  it('only on a TTY, and not under CI or a dumb terminal', () => {
    expect(progressWanted(fakeStream(true), {})).toBe(true);
    expect(progressWanted(fakeStream(false), {})).toBe(false);
    expect(progressWanted(fakeStream(true), { CI: 'true' })).toBe(false);
    expect(progressWanted(fakeStream(true), { CI: '1' })).toBe(false);
    expect(progressWanted(fakeStream(true), { CI: 'false' })).toBe(true);
    expect(progressWanted(fakeStream(true), { TERM: 'dumb' })).toBe(false);
  });
});

describe('progressLine', () => {
  it('fills the bar in proportion and counts passes and failures', () => {
    expect(progressLine(0, 4, 0, 0)).toBe('[░░░░░░░░░░░░░░░░░░░░░░░░] 0/4  ✓ 0  ✗ 0');
    expect(progressLine(1, 4, 1, 0)).toBe('[██████░░░░░░░░░░░░░░░░░░] 1/4  ✓ 1  ✗ 0');
    expect(progressLine(4, 4, 3, 1)).toBe('[████████████████████████] 4/4  ✓ 3  ✗ 1');
  });

  it('is cut to the terminal width', () => {
    expect(progressLine(1, 4, 1, 0, 11)).toBe('[██████░░░'); // 10 characters: one column left free
  });
});

describe('console reporter progress bar', () => {
  it('on a fake TTY: drawn after the header, redrawn below each scenario line, cleared at the end', async () => {
    const stream = fakeStream(true);
    const lines: string[] = [];
    const events: string[] = [];
    const rep = consoleReporter({
      color: false,
      env: {},
      stream: { ...stream, write: (t) => (events.push(`bar:${JSON.stringify(t)}`), stream.write(t)) },
      write: (l) => (lines.push(l), void events.push(`line:${l}`)),
    });
    await rep.onBegin!({ total: 2, sut: 'reference-reception', seed: 1 });
    await rep.onScenarioEnd!(result('a/one', 'passed'));
    await rep.onScenarioEnd!(result('a/two', 'failed'));
    await rep.onEnd!(run([]));
    expect(events.slice(0, 5)).toEqual([
      'line:myna-rig: 2 scenarios against reference-reception (seed 1)',
      `bar:${JSON.stringify('\r\x1b[2K[░░░░░░░░░░░░░░░░░░░░░░░░] 0/2  ✓ 0  ✗ 0')}`,
      `bar:${JSON.stringify('\r\x1b[2K')}`,
      'line:  ✓ a/one — a/one (5 ms)',
      `bar:${JSON.stringify('\r\x1b[2K[████████████░░░░░░░░░░░░] 1/2  ✓ 1  ✗ 0')}`,
    ]);
    expect(stream.chunks).toContain('\r\x1b[2K[████████████████████████] 2/2  ✓ 1  ✗ 1');
    // The last thing before the summary is the bar being cleared: nothing of it stays on screen.
    const summaryAt = events.indexOf('line:1 passed, 1 failed (0.0 s)');
    expect(summaryAt).toBeGreaterThan(0);
    expect(events.slice(summaryAt - 2, summaryAt)).toEqual([`bar:${JSON.stringify('\r\x1b[2K')}`, 'line:']);
  });

  it('not a TTY (a CI log, a pipe): no bar and no control characters at all', async () => {
    const stream = fakeStream(false);
    const rep = consoleReporter({ color: false, env: {}, stream, write: () => {} });
    await rep.onBegin!({ total: 1, sut: 's', seed: 1 });
    await rep.onScenarioEnd!(result('a/one', 'passed'));
    await rep.onEnd!(run([]));
    expect(stream.chunks).toEqual([]);
  });

  it('a TTY under CI=true: no bar', async () => {
    const stream = fakeStream(true);
    const rep = consoleReporter({ color: false, env: { CI: 'true' }, stream, write: () => {} });
    await rep.onBegin!({ total: 1, sut: 's', seed: 1 });
    await rep.onScenarioEnd!(result('a/one', 'passed'));
    expect(stream.chunks).toEqual([]);
  });
});
