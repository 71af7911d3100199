import type { Command } from 'commander';
import { formatIssue } from '../../scenarios/loader.js';
import { loadSuiteFile, suiteIssues, type LoadedSuite } from '../../scenarios/suite.js';
import { certifyAndWrite, type SutIdentity } from '../certification.js';
import { CONFIG_FILES, ConfigError, findConfigFile, loadConfig, type RigConfig } from './config.js';
import { BaselineError, loadBaseline, updatedEntries, writeBaseline, type Baseline } from '../baseline.js';
import { recordingReporter } from '../recording.js';
import { runFailed } from '../results.js';
import { filterScenarios, runScenarios } from '../run.js';
import { selectShard, type Shard } from '../shard.js';
import { DEFAULT_SUT_TIMEOUT_MS, probeSut, remoteAdapter } from '../remote-adapter.js';
import { REPORTER_NAMES, createReporter, type ReporterName } from '../reporters/index.js';
import { referenceAdapter, type SutAdapter } from '../sut-adapter.js';
import type { AdapterSpec } from '../adapter-spec.js';
import { createWorkerPool, defaultWorkers, type WorkerPool } from '../worker-pool.js';
import { EXIT } from './exit-codes.js';
import { loadOrReport } from './load.js';
import { httpUrl, nonNegativeInt, positiveInt, shardSpec } from './options.js';

interface RunCommandOptions {
  id?: string[];
  grep?: string;
  tag?: string[];
  seed: number;
  concurrency: number;
  stepTimeout: number;
  output: string;
  reporter?: string[];
  sut?: string;
  sutTimeout: number;
  shard?: Shard;
  retries: number;
  baseline?: string;
  updateBaseline?: boolean;
  workers: number;
  suite?: string;
  level?: string;
  config?: string;
  record?: string;
}

/**
 * Ctrl-C: the first stops starting scenarios and lets the running ones finish, so the reports
 * are written (marked partial); a second one quits at once.
 */
function interruptOnSignal(): { signal: AbortSignal; dispose: () => void } {
  const controller = new AbortController();
  const on = (): void => {
    if (controller.signal.aborted) process.exit(130);
    console.error('myna-rig: interrupted — finishing the running scenarios and writing a partial report (Ctrl-C again to quit now)');
    controller.abort();
  };
  process.on('SIGINT', on);
  process.on('SIGTERM', on);
  return {
    signal: controller.signal,
    dispose: () => {
      process.off('SIGINT', on);
      process.off('SIGTERM', on);
    },
  };
}

/** The SUT named on the command line: the built-in reference, or a remote one that must answer GET /. */
export async function adapterFor(o: { sut?: string; sutTimeout: number }): Promise<{ adapter: SutAdapter; spec: AdapterSpec; identity: SutIdentity } | undefined> {
  if (!o.sut) {
    const adapter = referenceAdapter();
    return { adapter, spec: { kind: 'reference' }, identity: { name: adapter.name } };
  }
  try {
    const info = await probeSut(o.sut, o.sutTimeout);
    const name = info.version ? `${info.name} ${info.version}` : info.name;
    const spec: AdapterSpec = { kind: 'remote', url: o.sut, name, timeoutMs: o.sutTimeout };
    return { adapter: remoteAdapter(spec), spec, identity: { name, url: o.sut, info: { ...info } } };
  } catch (e) {
    console.error(`myna-rig: --sut ${o.sut}: ${(e as Error).message}`);
    console.error('myna-rig: start the system first (the reference one: `npx myna-rig reference serve`); see docs/protocols/sut.md');
    return undefined;
  }
}

/** Config values fill in every option the command line did not set (flags override the file). */
function applyConfig(o: RunCommandOptions, config: RigConfig, cmd: Command): void {
  const pairs: Array<[keyof RigConfig, keyof RunCommandOptions]> = [
    ['sut', 'sut'], ['sutTimeout', 'sutTimeout'], ['suite', 'suite'], ['level', 'level'], ['reporters', 'reporter'], ['workers', 'workers'],
    ['retries', 'retries'], ['seed', 'seed'], ['stepTimeout', 'stepTimeout'], ['output', 'output'], ['baseline', 'baseline'],
  ];
  const target = o as unknown as Record<string, unknown>;
  for (const [from, to] of pairs) {
    if (config[from] !== undefined && cmd.getOptionValueSource(to) !== 'cli') target[to] = config[from];
  }
}

/**
 * --suite: checks that every id the suite requires exists among the loaded scenarios (a missing
 * one is a usage error, reported at its line in the suite file) and picks the level to run.
 */
function suiteSelection(suite: LoadedSuite, level: string | undefined, known: ReadonlySet<string>): { level: string; ids: string[] } | undefined {
  const levels = Object.keys(suite.suite.levels);
  const chosen = level ?? levels[levels.length - 1]!;
  if (!levels.includes(chosen)) {
    console.error(`myna-rig: --level ${chosen}: suite ${suite.suite.suite} ${suite.suite.version} (${suite.file}) has the levels ${levels.join(', ')}`);
    return undefined;
  }
  const issues = suiteIssues(suite, known);
  for (const issue of issues) console.error(formatIssue(issue));
  if (issues.length > 0) {
    console.error(`myna-rig: suite ${suite.suite.suite} ${suite.suite.version} requires ${issues.length} scenario${issues.length === 1 ? '' : 's'} that could not be found; nothing was run`);
    return undefined;
  }
  return { level: chosen, ids: suite.suite.levels[chosen]!.scenarios };
}

export function addRunCommand(program: Command, setExit: (code: number) => void): void {
  program
    .command('run', { isDefault: true })
    .description('run scenarios against a reception system (default: the built-in reference; every file under scenarios/)')
    .argument('[paths...]', 'scenario files or folders')
    .option('--id <id...>', 'run only the scenarios with these ids')
    .option('-g, --grep <regex>', 'run only scenarios whose id or title matches')
    .option('--tag <tag...>', 'run only scenarios with one of these tags')
    .option('--seed <n>', 'seed for every random choice', nonNegativeInt('--seed'), 1)
    .option('--workers <n>', `worker threads, each running one scenario at a time; 1 = in this process (default: one per core, here ${defaultWorkers()})`, positiveInt('--workers'), defaultWorkers())
    .option('--concurrency <n>', 'with --workers 1: scenarios run at once in this process', nonNegativeInt('--concurrency'), 2)
    .option('--step-timeout <ms>', 'how long one step may take', nonNegativeInt('--step-timeout'), 10_000)
    .option('--sut <url>', 'a reception system speaking the remote SUT protocol (docs/protocols/sut.md)', httpUrl('--sut'))
    .option('--sut-timeout <ms>', 'deadline of each request to the --sut system', nonNegativeInt('--sut-timeout'), DEFAULT_SUT_TIMEOUT_MS)
    .option('--shard <i/n>', 'run only shard i of n (stable split by sorted scenario id); merge with merge-reports', shardSpec)
    .option('--retries <n>', 'run a scenario that did not pass up to n more times; passing on a retry marks it flaky', nonNegativeInt('--retries'), 0)
    .option('--baseline <file>', 'expected failures (YAML list of { id, reason }): listed failures do not fail the run, listed passes do')
    .option('--update-baseline', 'rewrite the --baseline file from this run (failing ids added, passing ones removed)')
    .option('--output <dir>', 'where reports are written', 'reports')
    .option('--reporter <name...>', `${REPORTER_NAMES.join(', ')} (default: all)`)
    .option('--suite <file>', 'run a versioned suite (scenarios/suites/*.yaml) and write certification.json + certification.html')
    .option('--level <name>', 'with --suite: the certification level to run (default: the suite\'s last, most demanding level)')
    .option('--record <dir>', 'save each scenario\'s reception-link traffic and outcome as <dir>/<id>.jsonl, for `myna-rig replay`')
    .option('--config <file>', `settings file (default: the first of ${CONFIG_FILES.join(', ')} in the current folder); flags override it`)
    .action(async (argPaths: string[], o: RunCommandOptions, cmd: Command) => {
      let paths = argPaths;
      const configFile = o.config ?? findConfigFile();
      if (configFile) {
        try {
          const config = await loadConfig(configFile);
          applyConfig(o, config, cmd);
          if (paths.length === 0 && config.scenarios) paths = config.scenarios;
        } catch (e) {
          if (!(e instanceof ConfigError)) throw e;
          console.error(`myna-rig: ${e.message}`);
          return setExit(EXIT.USAGE);
        }
      }
      if (o.level && !o.suite) {
        console.error('myna-rig: --level needs --suite <file> (the suite that defines the level)');
        return setExit(EXIT.USAGE);
      }
      let suite: LoadedSuite | undefined;
      if (o.suite) {
        const s = await loadSuiteFile(o.suite);
        if (!s.ok) {
          for (const issue of s.issues) console.error(formatIssue(issue));
          console.error(`myna-rig: ${s.issues.length} problem${s.issues.length === 1 ? '' : 's'} in the suite file; nothing was run`);
          return setExit(EXIT.USAGE);
        }
        suite = s.loaded;
        if (paths.length === 0) paths = suite.scenarioPaths;
      }
      const names = o.reporter ?? [...REPORTER_NAMES];
      const unknown = names.filter((n) => !(REPORTER_NAMES as readonly string[]).includes(n));
      if (unknown.length > 0) {
        console.error(`myna-rig: unknown reporter ${unknown.join(', ')}; choose from ${REPORTER_NAMES.join(', ')}`);
        return setExit(EXIT.USAGE);
      }
      const loaded = await loadOrReport(paths);
      if (!loaded) return setExit(EXIT.USAGE);
      const certification = suite ? suiteSelection(suite, o.level, new Set(loaded.scenarios.map((s) => s.scenario.id))) : undefined;
      if (suite && !certification) return setExit(EXIT.USAGE);
      const inSuite = certification ? loaded.scenarios.filter((s) => certification.ids.includes(s.scenario.id)) : loaded.scenarios;
      const selected = filterScenarios(inSuite, { ids: o.id, grep: o.grep, tags: o.tag });
      if (selected.length === 0) {
        console.error('myna-rig: no scenario matches the filters (--id, --grep, --tag); `myna-rig list` shows what there is');
        return setExit(EXIT.USAGE);
      }
      if (o.updateBaseline && !o.baseline) {
        console.error('myna-rig: --update-baseline needs --baseline <file> (the file to write)');
        return setExit(EXIT.USAGE);
      }
      let baseline: Baseline | undefined;
      try {
        baseline = o.baseline ? await loadBaseline(o.baseline, { allowMissing: o.updateBaseline }) : undefined;
      } catch (e) {
        if (!(e instanceof BaselineError)) throw e;
        console.error(`myna-rig: ${e.message}`);
        return setExit(EXIT.USAGE);
      }
      const mine = o.shard ? selectShard(selected, o.shard) : selected;
      if (mine.length === 0) {
        console.error(`myna-rig: shard ${o.shard!.current}/${o.shard!.total} has no scenarios (${selected.length} selected in all); nothing to run`);
      }
      const sut = await adapterFor(o);
      if (!sut) return setExit(EXIT.USAGE);
      const workers = Math.min(o.workers, mine.length);
      const pool: WorkerPool | undefined =
        workers > 1 ? createWorkerPool({ workers, adapter: sut.spec, seed: o.seed, stepTimeoutMs: o.stepTimeout }, sut.adapter.name) : undefined;
      const interrupt = interruptOnSignal();
      try {
        const run = await runScenarios(mine, {
          adapter: sut.adapter,
          seed: o.seed,
          concurrency: pool ? workers : o.concurrency || 1,
          ...(pool ? { executor: pool.execute } : {}),
          stepTimeoutMs: o.stepTimeout,
          retries: o.retries,
          ...(o.shard ? { shard: o.shard } : {}),
          // With --update-baseline the run is judged against the file as rewritten below.
          ...(baseline && !o.updateBaseline ? { baseline } : {}),
          signal: interrupt.signal,
          ...(suite && certification ? { certification: { suite: suite.suite, level: certification.level, sut: sut.identity } } : {}),
          reporters: [...names.map((n) => createReporter(n as ReporterName, o.output)), ...(o.record ? [recordingReporter(o.record)] : [])],
        });
        if (run.certification) console.log((await certifyAndWrite(run, run.certification, o.output)).line);
        if (baseline && o.updateBaseline && !run.interrupted) {
          const entries = updatedEntries(baseline, run.scenarios);
          await writeBaseline(baseline.file, entries);
          console.log(`myna-rig: wrote ${baseline.file} (${entries.size} expected failure${entries.size === 1 ? '' : 's'})`);
          return setExit(EXIT.OK);
        }
        setExit(runFailed(run) ? EXIT.FAILED : EXIT.OK);
      } finally {
        interrupt.dispose();
        await pool?.close();
      }
    });
}
