import { readdir, stat } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import { Command, CommanderError, InvalidArgumentError } from 'commander';
import { formatIssue, loadScenarioFiles } from '../../scenarios/loader.js';
import { scenarioJsonSchema } from '../../scenarios/json-schema.js';
import { consoleReporter } from '../reporters/console.js';
import { jsonReporter } from '../reporters/json.js';
import { junitReporter } from '../reporters/junit.js';
import type { Reporter } from '../reporters/reporter.js';
import { filterScenarios, runScenarios } from '../run.js';
import { referenceAdapter } from '../sut-adapter.js';

/** Exit codes: 0 all passed, 1 a scenario failed, 2 usage or scenario-file error. */
export const EXIT = { OK: 0, FAILED: 1, USAGE: 2 } as const;

const DEFAULT_DIR = 'scenarios';

async function collectFiles(paths: string[]): Promise<string[]> {
  const out: string[] = [];
  const walk = async (p: string): Promise<void> => {
    const s = await stat(p).catch(() => undefined);
    if (!s) {
      out.push(p); // the loader reports it as missing, with its name
      return;
    }
    if (s.isDirectory()) {
      const entries = (await readdir(p)).sort();
      for (const e of entries) await walk(join(p, e));
    } else if (/\.ya?ml$/.test(p) || paths.includes(p)) {
      out.push(p);
    }
  };
  for (const p of paths) await walk(p);
  return out.map((f) => relative(process.cwd(), resolve(f)) || f);
}

const positiveInt = (name: string) => (value: string): number => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError(`${name} must be a non-negative integer, received "${value}"`);
  return n;
};

async function loadOrReport(paths: string[]): Promise<Awaited<ReturnType<typeof loadScenarioFiles>> | undefined> {
  const files = await collectFiles(paths.length > 0 ? paths : [DEFAULT_DIR]);
  if (files.length === 0) {
    console.error(`myna-rig: no scenario files (*.yaml) under ${paths.join(', ') || DEFAULT_DIR}`);
    return undefined;
  }
  const loaded = await loadScenarioFiles(files);
  if (loaded.issues.length > 0) {
    for (const issue of loaded.issues) console.error(formatIssue(issue));
    console.error(`myna-rig: ${loaded.issues.length} problem${loaded.issues.length === 1 ? '' : 's'} in scenario files; nothing was run`);
    return undefined;
  }
  return loaded;
}

export function buildProgram(setExit: (code: number) => void): Command {
  const program = new Command()
    .name('myna-rig')
    .description('Simulated マイナ保険証 cards, face-auth readers and OQS backend, and a conformance harness for reception systems.')
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) });

  program
    .command('run', { isDefault: true })
    .description('run scenarios against the built-in reference reception (default: every file under scenarios/)')
    .argument('[paths...]', 'scenario files or folders')
    .option('--id <id...>', 'run only the scenarios with these ids')
    .option('-g, --grep <regex>', 'run only scenarios whose id or title matches')
    .option('--tag <tag...>', 'run only scenarios with one of these tags')
    .option('--seed <n>', 'seed for every random choice', positiveInt('--seed'), 1)
    .option('--concurrency <n>', 'scenarios run at once', positiveInt('--concurrency'), 2)
    .option('--step-timeout <ms>', 'how long one step may take', positiveInt('--step-timeout'), 10_000)
    .option('--output <dir>', 'where reports are written', 'reports')
    .option('--reporter <name...>', 'console, junit, json (default: all three)')
    .action(async (paths: string[], o: { id?: string[]; grep?: string; tag?: string[]; seed: number; concurrency: number; stepTimeout: number; output: string; reporter?: string[] }) => {
      const loaded = await loadOrReport(paths);
      if (!loaded) return setExit(EXIT.USAGE);
      const selected = filterScenarios(loaded.scenarios, { ids: o.id, grep: o.grep, tags: o.tag });
      if (selected.length === 0) {
        console.error('myna-rig: no scenario matches the filters (--id, --grep, --tag); `myna-rig list` shows what there is');
        return setExit(EXIT.USAGE);
      }
      const names = o.reporter ?? ['console', 'junit', 'json'];
      const known: Record<string, () => Reporter> = {
        console: () => consoleReporter(),
        junit: () => junitReporter(join(o.output, 'junit.xml')),
        json: () => jsonReporter(join(o.output, 'results.json')),
      };
      const unknown = names.filter((n) => !(n in known));
      if (unknown.length > 0) {
        console.error(`myna-rig: unknown reporter ${unknown.join(', ')}; choose from ${Object.keys(known).join(', ')}`);
        return setExit(EXIT.USAGE);
      }
      const run = await runScenarios(selected, {
        adapter: referenceAdapter(),
        seed: o.seed,
        concurrency: o.concurrency || 1,
        stepTimeoutMs: o.stepTimeout,
        reporters: names.map((n) => known[n]!()),
      });
      setExit(run.summary.failed + run.summary.errors > 0 ? EXIT.FAILED : EXIT.OK);
    });

  program
    .command('list')
    .description('list scenarios with their ids, tags and sources')
    .argument('[paths...]', 'scenario files or folders')
    .action(async (paths: string[]) => {
      const loaded = await loadOrReport(paths);
      if (!loaded) return setExit(EXIT.USAGE);
      for (const { scenario: s, file, line } of loaded.scenarios) {
        console.log(`${s.id}\t${s.title}\t[${s.tags.join(', ')}]\t${file}:${line}`);
      }
      setExit(EXIT.OK);
    });

  program
    .command('validate')
    .description('check scenario files and report every problem as file:line:col: field: message')
    .argument('[paths...]', 'scenario files or folders')
    .action(async (paths: string[]) => {
      const loaded = await loadOrReport(paths);
      if (!loaded) return setExit(EXIT.USAGE);
      console.log(`myna-rig: ${loaded.scenarios.length} scenario${loaded.scenarios.length === 1 ? '' : 's'} valid`);
      setExit(EXIT.OK);
    });

  program
    .command('schema')
    .description('print the JSON Schema of the scenario language')
    .action(() => {
      console.log(JSON.stringify(scenarioJsonSchema(), null, 2));
      setExit(EXIT.OK);
    });

  return program;
}

export async function main(argv: string[]): Promise<number> {
  let code: number = EXIT.OK;
  const program = buildProgram((c) => {
    code = c;
  });
  try {
    await program.parseAsync(argv);
  } catch (e) {
    if (e instanceof CommanderError) {
      // --help and --version end here with exit code 0; usage errors with 1 → ours is 2.
      return e.exitCode === 0 ? EXIT.OK : EXIT.USAGE;
    }
    console.error(`myna-rig: ${(e as Error).stack ?? String(e)}`);
    return EXIT.USAGE;
  }
  return code;
}
