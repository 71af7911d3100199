import type { RunResult, ScenarioResult } from '../results.js';

/** Playwright-style reporter: every hook optional. */
export interface Reporter {
  onBegin?(info: { total: number; sut: string; seed: number }): void | Promise<void>;
  onScenarioEnd?(result: ScenarioResult): void | Promise<void>;
  onEnd?(run: RunResult): void | Promise<void>;
}

/** Fans events out to every reporter; a failing reporter is reported once and cannot break the run. */
export function multiplex(reporters: Reporter[]): Required<Reporter> {
  const broken = new Set<Reporter>();
  const call = async (hook: keyof Reporter, arg: unknown): Promise<void> => {
    for (const r of reporters) {
      const fn = r[hook] as ((a: unknown) => void | Promise<void>) | undefined;
      if (!fn || broken.has(r)) continue;
      try {
        await fn.call(r, arg);
      } catch (e) {
        broken.add(r);
        console.error(`myna-rig: reporter failed in ${hook} and is switched off for this run: ${(e as Error).message}`);
      }
    }
  };
  return {
    onBegin: (info) => call('onBegin', info),
    onScenarioEnd: (result) => call('onScenarioEnd', result),
    onEnd: (run) => call('onEnd', run),
  };
}
