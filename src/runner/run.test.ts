import { describe, expect, it } from 'vitest';
import type { LoadedScenario } from '../scenarios/loader.js';
import type { Reporter } from './reporters/reporter.js';
import type { ScenarioResult } from './results.js';
import { runScenarios } from './run.js';
import type { SutAdapter } from './sut-adapter.js';

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

const scenario = (id: string): LoadedScenario => ({ scenario: { id, title: id, tags: [] } as unknown as LoadedScenario['scenario'], file: `${id}.yaml`, line: 1 });
const result = (id: string): ScenarioResult =>
  ({ id, title: id, file: `${id}.yaml`, line: 1, tags: [], troubles: [], sources: [], sut: 'x', seed: 1, status: 'passed', durationMs: 0, steps: [], failures: [], repro: '' }) as ScenarioResult;

describe('runScenarios reports', () => {
  it('each scenario exactly once, in file order, even when scenarios finish while a slow report is being written', async () => {
    // Finish times chosen so a lane finishes while the previous report is still awaiting: the
    // race that once reported the first scenario twice and lost the second (CI, replay of 2 recordings).
    const finishAfter: Record<string, number> = { a: 5, b: 8, c: 1, d: 20, e: 2 };
    const reported: string[] = [];
    let writing = 0;
    let overlapped = false;
    const slow: Reporter = {
      async onScenarioEnd(r) {
        writing += 1;
        if (writing > 1) overlapped = true;
        await sleep(10);
        reported.push(r.id);
        writing -= 1;
      },
    };
    const run = await runScenarios(Object.keys(finishAfter).map(scenario), {
      adapter: { name: 'x' } as SutAdapter,
      seed: 1,
      reporters: [slow],
      concurrency: 3,
      executor: async (s) => {
        await sleep(finishAfter[s.scenario.id]!);
        return result(s.scenario.id);
      },
    });
    expect(reported).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(overlapped).toBe(false);
    expect(run.scenarios.map((s) => s.id)).toEqual(['a', 'b', 'c', 'd', 'e']);
  });
});
