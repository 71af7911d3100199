import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { summarize, type RunResult, type ScenarioResult } from './results.js';

/**
 * Merging the results.json of shards (or of any runs of disjoint scenarios) into one run, from
 * which every report is rendered again: the JSON report is the lossless "blob" (Playwright's
 * merge-reports idea), so merged JUnit and HTML equal those of an unsharded run but for times.
 */
export class MergeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MergeError';
  }
}

/** A folder holding results.json, or the file itself. */
export async function readRunResult(path: string): Promise<RunResult> {
  const s = await stat(path).catch(() => undefined);
  if (!s) throw new MergeError(`${path}: no such file or folder`);
  const file = s.isDirectory() ? join(path, 'results.json') : path;
  let data: unknown;
  try {
    data = JSON.parse(await readFile(file, 'utf8'));
  } catch (e) {
    throw new MergeError(`${file}: cannot read a results.json (${(e as Error).message}); run with --reporter json to write one`);
  }
  const run = data as Partial<RunResult> | null;
  if (run === null || typeof run !== 'object' || run.tool?.name !== 'myna-rig' || !Array.isArray(run.scenarios) || typeof run.seed !== 'number') {
    throw new MergeError(`${file}: not a myna-rig results.json (expected tool.name "myna-rig", seed and scenarios[])`);
  }
  return run as RunResult;
}

/** Path order of the directory walk that loads scenarios: segment by segment, so a/b sorts before a-x. */
export function compareScenarioOrder(a: ScenarioResult, b: ScenarioResult): number {
  const pa = a.file.split(/[\\/]/);
  const pb = b.file.split(/[\\/]/);
  for (let i = 0; i < Math.min(pa.length, pb.length); i++) {
    if (pa[i] !== pb[i]) {
      // A folder's contents and a sibling file are ordered by their names, as readdir().sort() does.
      return pa[i]! < pb[i]! ? -1 : 1;
    }
  }
  return pa.length - pb.length || a.line - b.line;
}

export interface MergeNotes {
  /** Things worth a warning that do not stop the merge (missing shards, mixed seeds). */
  warnings: string[];
}

export function mergeRuns(runs: RunResult[]): { run: RunResult; notes: MergeNotes } {
  if (runs.length === 0) throw new MergeError('nothing to merge: name at least one report folder');
  const warnings: string[] = [];
  const seen = new Map<string, number>();
  const scenarios: ScenarioResult[] = [];
  for (const [i, run] of runs.entries()) {
    for (const s of run.scenarios) {
      const before = seen.get(s.id);
      if (before !== undefined) throw new MergeError(`scenario ${s.id} is in input ${before + 1} and input ${i + 1}: merge each shard once`);
      seen.set(s.id, i);
      scenarios.push(s);
    }
  }
  scenarios.sort(compareScenarioOrder);

  const seeds = [...new Set(runs.map((r) => r.seed))];
  if (seeds.length > 1) warnings.push(`the inputs were run with different seeds (${seeds.join(', ')}); the merged report shows the first`);
  const suts = [...new Set(runs.map((r) => r.sut))];
  if (suts.length > 1) warnings.push(`the inputs were run against different systems (${suts.join(', ')})`);
  const totals = [...new Set(runs.filter((r) => r.shard).map((r) => r.shard!.total))];
  if (totals.length > 1) warnings.push(`the inputs come from different shard splits (of ${totals.join(', ')})`);
  if (totals.length === 1) {
    const have = new Set(runs.map((r) => r.shard?.current));
    const missing = Array.from({ length: totals[0]! }, (_, k) => k + 1).filter((k) => !have.has(k));
    if (missing.length > 0) warnings.push(`shard${missing.length === 1 ? '' : 's'} ${missing.map((k) => `${k}/${totals[0]}`).join(', ')} missing: the merged report is incomplete`);
  }

  // Certification: every input must come from the same suite version and level.
  const contexts = runs.map((r) => r.certification);
  const withCert = contexts.filter((c) => c !== undefined);
  let certification = withCert[0];
  if (withCert.length > 0) {
    const keyOf = (c: NonNullable<RunResult['certification']>): string => `${c.suite.suite} ${c.suite.version} / ${c.level}`;
    const keys = [...new Set(withCert.map(keyOf))];
    if (keys.length > 1) {
      warnings.push(`the inputs certify different suites or levels (${keys.join('; ')}); no certification summary is written`);
      certification = undefined;
    } else if (withCert.length < runs.length) {
      warnings.push(`${runs.length - withCert.length} input${runs.length - withCert.length === 1 ? ' was' : 's were'} not run with --suite; the certification summary (${keys[0]}) counts their scenarios too`);
    }
  }

  const merged: RunResult = {
    tool: runs[0]!.tool,
    startedAt: runs.map((r) => r.startedAt).sort()[0]!,
    sut: suts.join(' + '),
    seed: runs[0]!.seed,
    ...(runs.some((r) => r.interrupted) ? { interrupted: true } : {}),
    ...(certification ? { certification } : {}),
    // Shards run side by side: the matrix took as long as its slowest shard.
    summary: summarize(scenarios, Math.max(...runs.map((r) => r.summary?.durationMs ?? 0))),
    scenarios,
  };
  return { run: merged, notes: { warnings } };
}
