import { readFileSync } from 'node:fs';
import type { LoadedScenario } from '../scenarios/loader.js';
import { applyBaseline, type Baseline } from './baseline.js';
import { executeScenario } from './execute.js';
import { multiplex, type Reporter } from './reporters/reporter.js';
import { summarize, type AttemptSummary, type CertificationContext, type RunResult, type ScenarioResult } from './results.js';
import type { Shard } from './shard.js';
import type { SutAdapter } from './sut-adapter.js';

/** Runs one scenario once and returns its result; never throws (errors become status 'error'). */
export type ScenarioExecutor = (scenario: LoadedScenario) => Promise<ScenarioResult>;

export interface RunOptions {
  adapter: SutAdapter;
  seed: number;
  reporters: Reporter[];
  /** Scenarios run at once (each on its own rig). Default 2. */
  concurrency?: number;
  stepTimeoutMs?: number;
  /** Extra attempts for a scenario that did not pass; one that passes on a retry is 'flaky'. */
  retries?: number;
  /** Expected failures: these do not fail the run; listed ids that pass are 'stale'. */
  baseline?: Baseline;
  /** Recorded in the result when this run is one shard of a larger one. */
  shard?: Shard;
  /** Aborting stops starting scenarios; those running finish; the result is marked interrupted. */
  signal?: AbortSignal;
  /** Written into the result (and results.json) for `run --suite`; see CertificationContext. */
  certification?: CertificationContext;
  /** How one scenario is run; default in this process with `adapter` (a worker pool swaps it). */
  executor?: ScenarioExecutor;
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

function attemptSummary(r: ScenarioResult, attempt: number): AttemptSummary {
  const out: AttemptSummary = { attempt, status: r.status === 'error' ? 'error' : 'failed', failures: r.failures.map((f) => f.message), durationMs: r.durationMs };
  if (r.error !== undefined) out.error = r.error;
  return out;
}

/** Runs a scenario up to 1 + retries times; the last attempt's result, with the earlier ones summarized. */
async function withRetries(execute: ScenarioExecutor, scenario: LoadedScenario, retries: number): Promise<ScenarioResult> {
  const earlier: AttemptSummary[] = [];
  for (let attempt = 1; ; attempt++) {
    const result = await execute(scenario);
    const passed = result.status === 'passed';
    if (passed || attempt > retries) {
      if (earlier.length > 0) {
        result.attempts = earlier;
        if (passed) result.status = 'flaky';
      }
      return result;
    }
    earlier.push(attemptSummary(result, attempt));
  }
}

export async function runScenarios(scenarios: LoadedScenario[], opts: RunOptions): Promise<RunResult> {
  const reporter = multiplex(opts.reporters);
  const startedAt = new Date().toISOString();
  const t0 = performance.now();
  await reporter.onBegin({ total: scenarios.length, sut: opts.adapter.name, seed: opts.seed });
  const execute: ScenarioExecutor =
    opts.executor ?? ((s) => executeScenario(s, { adapter: opts.adapter, seed: opts.seed, stepTimeoutMs: opts.stepTimeoutMs }));

  const results: (ScenarioResult | undefined)[] = new Array(scenarios.length);
  let nextToReport = 0;
  // Report in file order whatever order scenarios finish in, so output is stable. Lanes finish
  // while an earlier report is still being written (reporters are async: recordings, files), so
  // reports go through one chain: each scenario is reported exactly once, never concurrently.
  let reporting: Promise<void> = Promise.resolve();
  const flush = (): Promise<void> =>
    (reporting = reporting.then(async () => {
      while (nextToReport < results.length && results[nextToReport]) {
        const r = results[nextToReport]!;
        nextToReport += 1;
        await reporter.onScenarioEnd(r);
      }
    }));

  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < scenarios.length && !opts.signal?.aborted) {
      const i = next++;
      const result = await withRetries(execute, scenarios[i]!, opts.retries ?? 0);
      if (opts.baseline) applyBaseline(result, opts.baseline);
      results[i] = result;
      await flush();
    }
  };
  const concurrency = Math.max(1, Math.min(opts.concurrency ?? 2, scenarios.length || 1));
  await Promise.all(Array.from({ length: concurrency }, lane));

  // After an interruption some slots are empty: report the ones that did finish.
  const done = results.filter((r): r is ScenarioResult => r !== undefined);
  await reporting;
  for (const r of results.slice(nextToReport)) if (r) await reporter.onScenarioEnd(r);
  const run: RunResult = {
    tool: { name: 'myna-rig', version: toolVersion() },
    startedAt,
    sut: opts.adapter.name,
    seed: opts.seed,
    ...(opts.shard ? { shard: opts.shard } : {}),
    ...(done.length < scenarios.length ? { interrupted: true } : {}),
    ...(opts.certification ? { certification: opts.certification } : {}),
    summary: summarize(done, Math.round(performance.now() - t0)),
    scenarios: done,
  };
  await reporter.onEnd(run);
  return run;
}
