import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { RunResult } from '../../src/runner/results.js';
import { runScenarios } from '../../src/runner/run.js';
import { referenceAdapter } from '../../src/runner/sut-adapter.js';
import { createWorkerPool } from '../../src/runner/worker-pool.js';
import { loadScenarioFiles, type LoadedScenario } from '../../src/scenarios/loader.js';
import { builtIn, CliFixture } from '../cli/cli-fixture.js';

/** Scenarios on worker threads give the same results as in the main process. */
const DIR = 'scenarios/conformance';
let scenarios: LoadedScenario[] = [];
beforeAll(async () => {
  const loaded = await loadScenarioFiles(readdirSync(DIR).filter((f) => f.endsWith('.yaml')).map((f) => join(DIR, f)));
  scenarios = loaded.scenarios;
});

/** What the same seed must reproduce: statuses, screens and outcomes step by step. */
const essence = (run: RunResult): unknown =>
  run.scenarios.map((s) => ({ id: s.id, status: s.status, steps: s.steps.map((st) => [st.step, st.status, st.screen, st.outcome]) }));

describe('worker pool', () => {
  it('runs the built-in scenarios on 2 threads with the same results as the main process', async () => {
    const adapter = referenceAdapter();
    const inProcess = await runScenarios(scenarios, { adapter, seed: 4, reporters: [], concurrency: 1 });
    const pool = createWorkerPool({ workers: 2, adapter: { kind: 'reference' }, seed: 4 }, adapter.name);
    try {
      const threaded = await runScenarios(scenarios, { adapter, seed: 4, reporters: [], concurrency: 2, executor: pool.execute });
      expect(threaded.summary).toMatchObject({ total: scenarios.length, passed: scenarios.length });
      expect(essence(threaded)).toEqual(essence(inProcess));
    } finally {
      await pool.close();
    }
  }, 60_000);

  it('`run --workers 2` from the CLI passes and rejects --workers 0 (exit 2)', async () => {
    const fx = new CliFixture().write({ 'scenarios/a.yaml': builtIn('late-elder-one-tenth.yaml'), 'scenarios/b.yaml': builtIn('preschool-two-tenths.yaml') });
    const ok = await fx.run('run', 'scenarios', '--workers', '2', '--reporter', 'json', '--output', 'r');
    expect(ok.code).toBe(0);
    expect(fx.json<{ summary: object }>('r/results.json').summary).toMatchObject({ total: 2, passed: 2 });
    const bad = await fx.run('run', 'scenarios', '--workers', '0');
    expect(bad.code).toBe(2);
    expect(bad.err).toContain('--workers must be a positive integer, received "0"');
  }, 60_000);
});
