import { cpSync, existsSync, readdirSync } from 'node:fs';

import { parse } from 'yaml';
import { startReferenceServer, type ReferenceServer } from '../../src/reference-clinic/server.js';
import type { CliFixture, CliRun } from './cli-fixture.js';

/**
 * Runs the steps of the shipped CI workflows (docs/ci/*.yml) locally, read from the YAML itself,
 * so that editing a workflow changes what the test runs. Each kind of step is emulated:
 * `npm ci` is the test's own setup (skipped); `npx myna-rig reference serve --port N &` starts
 * the reference server on a free port (the CLI command itself is covered by
 * tests/integration/remote-sut.test.ts) and later URLs with port N are pointed at it; every other
 * `npx myna-rig …` runs the real CLI in the fixture's folder; artifact upload/download copy
 * folders as GitHub does. Any other step fails the test: a new kind of step needs emulating here.
 */

export interface StepRun {
  command: string;
  args: string[];
  result: CliRun;
}

export class WorkflowRunner {
  readonly runs: StepRun[] = [];
  readonly #servers = new Map<string, ReferenceServer>();

  constructor(readonly fx: CliFixture) {}

  /** `${{ matrix.shard }}` and `${VAR}` replaced from `vars`; an unknown one is an error. */
  expand(text: string, vars: Record<string, string>): string {
    return text
      .replace(/\$\{\{\s*([\w.]+)\s*\}\}/g, (_, name: string) => this.#lookup(vars, name, text))
      .replace(/\$\{(\w+)\}/g, (_, name: string) => this.#lookup(vars, name, text));
  }

  #lookup(vars: Record<string, string>, name: string, text: string): string {
    const v = vars[name];
    if (v === undefined) throw new Error(`workflow command uses ${name}, which this test does not set: ${text}`);
    return v;
  }

  /** Shell words, with `dir/*` expanded in the fixture's folder (the workflows use no quotes). */
  #words(command: string): string[] {
    if (/["'`;|]/.test(command)) throw new Error(`workflow command needs a real shell (quotes, ; or |), which this test does not emulate: ${command}`);
    return command
      .trim()
      .split(/\s+/)
      .flatMap((w) => {
        if (!w.includes('*')) return [w];
        const slash = w.lastIndexOf('/');
        const dir = slash < 0 ? '.' : w.slice(0, slash);
        const pattern = new RegExp(`^${w.slice(slash + 1).replace(/[.+?^${}()[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`);
        const found = existsSync(this.fx.path(dir)) ? readdirSync(this.fx.path(dir)).filter((f) => pattern.test(f)).sort() : [];
        return found.map((f) => (slash < 0 ? f : `${dir}/${f}`));
      });
  }

  async run(command: string): Promise<StepRun | undefined> {
    const line = command.trim();
    if (line === 'npm ci') return undefined;
    const serve = /^npx myna-rig reference serve --port (\d+) &$/.exec(line);
    if (serve) {
      const port = serve[1]!;
      if (!this.#servers.has(port)) this.#servers.set(port, await startReferenceServer({ name: 'reference-reception (CI)' }));
      return undefined;
    }
    if (!line.startsWith('npx myna-rig ')) throw new Error(`workflow step this test cannot run: ${line}`);
    let args = this.#words(line).slice(2);
    // The SUT URL of the workflow → the stand-in server started for that port.
    args = args.map((a) => a.replace(/^http:\/\/127\.0\.0\.1:(\d+)$/, (url, port: string) => this.#servers.get(port)?.url ?? url));
    const step: StepRun = { command: line, args, result: await this.fx.run(...args) };
    this.runs.push(step);
    return step;
  }

  async close(): Promise<void> {
    for (const s of this.#servers.values()) await s.close();
  }
}

// ---- GitHub Actions ----

interface GhStep {
  run?: string;
  uses?: string;
  with?: Record<string, unknown>;
}
interface GhJob {
  needs?: string | string[];
  strategy?: { matrix?: Record<string, unknown[]> };
  steps: GhStep[];
}

export function readGithubWorkflow(text: string): { jobs: Record<string, GhJob> } {
  return parse(text) as { jobs: Record<string, GhJob> };
}

/** Runs one job for one matrix entry; artifacts live under `artifacts/<name>` in the fixture. */
export async function runGithubJob(runner: WorkflowRunner, job: GhJob, vars: Record<string, string>): Promise<StepRun[]> {
  const done: StepRun[] = [];
  for (const step of job.steps) {
    if (step.run !== undefined) {
      const r = await runner.run(runner.expand(step.run, vars));
      if (r) done.push(r);
      continue;
    }
    const uses = step.uses ?? '';
    const w = Object.fromEntries(Object.entries(step.with ?? {}).map(([k, v]) => [k, runner.expand(String(v), vars)]));
    if (/^actions\/(checkout|setup-node)@/.test(uses)) continue;
    if (uses.startsWith('actions/upload-artifact@')) {
      if (existsSync(runner.fx.path(w.path!))) cpSync(runner.fx.path(w.path!), runner.fx.path(`artifacts/${w.name}`), { recursive: true });
    } else if (uses.startsWith('actions/download-artifact@')) {
      const pattern = new RegExp(`^${w.pattern!.replace(/\*/g, '.*')}$`);
      for (const name of readdirSync(runner.fx.path('artifacts')).filter((n) => pattern.test(n))) {
        cpSync(runner.fx.path(`artifacts/${name}`), runner.fx.path(`${w.path}/${name}`), { recursive: true });
      }
    } else if (uses.startsWith('mikepenz/action-junit-report@')) {
      if (!existsSync(runner.fx.path(w.report_paths!))) throw new Error(`the JUnit report step finds no ${w.report_paths}`);
    } else throw new Error(`workflow action this test cannot emulate: ${uses}`);
  }
  return done;
}

// ---- GitLab CI ----

interface GlJob {
  stage: string;
  parallel?: number;
  script: string[];
  artifacts?: { paths?: string[]; reports?: { junit?: string } };
}

export function readGitlabJobs(text: string): { stages: string[]; jobs: Array<[string, GlJob]> } {
  const doc = parse(text) as Record<string, unknown> & { stages: string[] };
  const jobs = Object.entries(doc).filter((e): e is [string, GlJob] => e[0] !== 'stages' && typeof e[1] === 'object' && e[1] !== null && 'script' in e[1]);
  return { stages: doc.stages, jobs };
}

