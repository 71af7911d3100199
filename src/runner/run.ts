import { readFileSync } from 'node:fs';
import type { LoadedScenario } from '../scenarios/loader.js';
import { executeScenario } from './execute.js';
import { multiplex, type Reporter } from './reporters/reporter.js';
import type { RunResult, ScenarioResult } from './results.js';
import type { SutAdapter } from './sut-adapter.js';

export interface RunOptions {
  adapter: SutAdapter;
  seed: number;
  reporters: Reporter[];
  /** Scenarios run at once in this process (each on its own rig). */
  concurrency?: number;
  stepTimeoutMs?: number;
}

function toolVersion(): string {
  try {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version?: string };
    return pkg.version ?? '0.0.0';
  } catch {
    return '0.0.0';
  }
}

export interface Filter {
  ids?: string[];
  grep?: string;
  tags?: string[];
}

export function filterScenarios(all: LoadedScenario[], filter: Filter): LoadedScenario[] {
  const grep = filter.grep ? new RegExp(filter.grep, 'i') : undefined;
  return all.filter(({ scenario: s }) => {
    if (filter.ids && filter.ids.length > 0 && !filter.ids.includes(s.id)) return false;
    if (grep && !grep.test(`${s.id} ${s.title}`)) return false;
    if (filter.tags && filter.tags.length > 0 && !filter.tags.some((t) => s.tags.includes(t))) return false;
    return true;
  });
}

export async function runScenarios(scenarios: LoadedScenario[], opts: RunOptions): Promise<RunResult> {
  const reporter = multiplex(opts.reporters);
  const startedAt = new Date().toISOString();
  const t0 = performance.now();
  await reporter.onBegin({ total: scenarios.length, sut: opts.adapter.name, seed: opts.seed });

  const results: (ScenarioResult | undefined)[] = new Array(scenarios.length);
  let nextToReport = 0;
  const flush = async (): Promise<void> => {
    // Report in file order whatever order scenarios finish in, so output is stable.
    while (nextToReport < results.length && results[nextToReport]) {
      await reporter.onScenarioEnd(results[nextToReport]!);
      nextToReport += 1;
    }
  };

  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < scenarios.length) {
      const i = next++;
      results[i] = await executeScenario(scenarios[i]!, { adapter: opts.adapter, seed: opts.seed, stepTimeoutMs: opts.stepTimeoutMs });
      await flush();
    }
  };
  const concurrency = Math.max(1, Math.min(opts.concurrency ?? 2, scenarios.length || 1));
  await Promise.all(Array.from({ length: concurrency }, worker));

  const done = results as ScenarioResult[];
  const run: RunResult = {
    tool: { name: 'myna-rig', version: toolVersion() },
    startedAt,
    sut: opts.adapter.name,
    seed: opts.seed,
    summary: {
      total: done.length,
      passed: done.filter((r) => r.status === 'passed').length,
      failed: done.filter((r) => r.status === 'failed').length,
      errors: done.filter((r) => r.status === 'error').length,
      durationMs: Math.round(performance.now() - t0),
    },
    scenarios: done,
  };
  await reporter.onEnd(run);
  return run;
}
