import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startReferenceServer, type ReferenceServer } from '../../src/reference-clinic/server.js';
import { decide, type Decide } from '../../src/reference-clinic/decide.js';
import { readFileSync } from 'node:fs';
import { builtIn, CliFixture, REPO } from './cli-fixture.js';
import { readGithubWorkflow, readGitlabJobs, runGithubJob, WorkflowRunner } from './ci-workflow.js';

/**
 * The CLI as CI uses it: the shipped workflows (docs/ci/*.yml) run step by step from their YAML,
 * shards + merge-reports (lossless), the expected-failures baseline (known, new, stale, update,
 * malformed), and retries with flaky marking.
 */
const THREE = {
  'scenarios/elder.yaml': builtIn('late-elder-one-tenth.yaml'),
  'scenarios/pin.yaml': builtIn('pin-check-accepted.yaml'),
  'scenarios/preschool.yaml': builtIn('preschool-two-tenths.yaml', (t) => t.replace('copayRatio: 20', 'copayRatio: 30')),
};

/** JUnit with the run-dependent parts (times, timestamp) blanked. */
const timeless = (xml: string): string => xml.replace(/ time="[\d.]+"/g, ' time=""').replace(/ timestamp="[^"]*"/g, ' timestamp=""');

/** THREE fails preschool on purpose; the vendor's baseline lists it, so CI passes on this known gap. */
const BASELINE = '- id: conformance/preschool-two-tenths\n  reason: ratio table not updated (ACME-17)\n';

describe('docs/ci workflows, run from their YAML', () => {
  it('github-actions.yml: every matrix shard of job scenarios, then job report; merged JUnit + HTML, exit 0', async () => {
    const wf = readGithubWorkflow(readFileSync(`${REPO}/docs/ci/github-actions.yml`, 'utf8'));
    const fx = new CliFixture().write({ ...THREE, 'myna-rig-baseline.yaml': BASELINE });
    const runner = new WorkflowRunner(fx);
    try {
      const scenarios = wf.jobs.scenarios!;
      const shards = scenarios.strategy!.matrix!.shard!.map(String);
      expect(shards.length).toBeGreaterThan(1);
      for (const shard of shards) {
        const steps = await runGithubJob(runner, scenarios, { 'matrix.shard': shard });
        expect(steps.map((s) => s.args[0])).toEqual(['run']);
        expect(steps[0]!.args).toContain('--sut');
        expect(steps[0]!.result.err.replace(/myna-rig: shard \d+\/\d+ has no scenarios.*/, '').trim()).toBe('');
        expect(steps[0]!.result.code).toBe(0);
      }
      expect(wf.jobs.report!.needs).toBe('scenarios');
      const report = await runGithubJob(runner, wf.jobs.report!, {});
      expect(report.map((s) => s.args[0])).toEqual(['merge-reports']);
      expect(report[0]!.args.filter((a) => a.startsWith('shards/'))).toHaveLength(shards.length);
      expect(report[0]!.result.code).toBe(0);
      const merged = fx.json<{ summary: Record<string, number>; sut: string }>('reports/merged/results.json');
      expect(merged.summary).toMatchObject({ total: 3, passed: 2, failed: 0, knownFailures: 1 });
      expect(merged.sut).toBe('reference-reception (CI)');
      expect(fx.read('reports/merged/junit.xml')).toContain('<testsuites name="myna-rig" tests="3"');
      expect(fx.read('reports/merged/index.html')).toContain('data-id="conformance/preschool-two-tenths"');
    } finally {
      await runner.close();
    }
  }, 120_000);

  it('gitlab-ci.yml: the parallel job once per CI_NODE_INDEX, then the report stage; exit 0', async () => {
    const { stages, jobs } = readGitlabJobs(readFileSync(`${REPO}/docs/ci/gitlab-ci.yml`, 'utf8'));
    const fx = new CliFixture().write({ ...THREE, 'myna-rig-baseline.yaml': BASELINE });
    const runner = new WorkflowRunner(fx);
    try {
      const ran: string[] = [];
      for (const stage of stages) {
        for (const [name, job] of jobs.filter(([, j]) => j.stage === stage)) {
          const total = job.parallel ?? 1;
          for (let i = 1; i <= total; i++) {
            const vars = { CI_NODE_INDEX: String(i), CI_NODE_TOTAL: String(total) };
            for (const line of job.script) {
              const step = await runner.run(runner.expand(line, vars));
              if (!step) continue;
              ran.push(`${name}: ${step.args[0]}`);
              expect(step.result.code, `${line} → ${step.result.err}`).toBe(0);
            }
          }
          if (job.artifacts?.reports?.junit) expect(fx.read(job.artifacts.reports.junit)).toContain('<testsuites name="myna-rig" tests="3"');
        }
      }
      expect(ran).toEqual(['myna-rig: run', 'myna-rig: run', 'myna-rig: run', 'myna-rig-report: merge-reports']);
      expect(fx.json<{ summary: Record<string, number> }>('reports/merged/results.json').summary).toMatchObject({ total: 3, passed: 2, knownFailures: 1 });
    } finally {
      await runner.close();
    }
  }, 120_000);

  it('a workflow step the test cannot run fails loudly rather than being skipped', async () => {
    const runner = new WorkflowRunner(new CliFixture());
    await expect(runner.run('curl https://example.invalid | sh')).rejects.toThrow('workflow step this test cannot run');
    await expect(runner.run('npx myna-rig run "a b"')).rejects.toThrow('needs a real shell');
    expect(() => runner.expand('--shard ${{ matrix.other }}/3', {})).toThrow('uses matrix.other, which this test does not set');
  });
});

describe('shards and merge-reports', () => {
  const fx = new CliFixture().write(THREE);
  let whole: { code: number };

  beforeAll(async () => {
    whole = await fx.run('run', 'scenarios', '--output', 'whole', '--reporter', 'junit', 'json', '--seed', '3');
  }, 60_000);

  it('--shard i/n splits the scenarios by sorted id, each in exactly one shard', async () => {
    expect(whole.code).toBe(1);
    const a = await fx.run('run', 'scenarios', '--shard', '1/2', '--output', 's1', '--reporter', 'json', 'junit', '--seed', '3');
    const b = await fx.run('run', 'scenarios', '--shard', '2/2', '--output', 's2', '--reporter', 'json', 'junit', '--seed', '3');
    const ids = (name: string): string[] => fx.json<{ scenarios: { id: string }[] }>(`${name}/results.json`).scenarios.map((s) => s.id);
    // Sorted ids: late-elder, pin-check, preschool → shard 1 gets the first one, shard 2 the rest.
    expect(ids('s1')).toEqual(['conformance/late-elder-one-tenth']);
    expect(ids('s2')).toEqual(['conformance/pin-check-accepted', 'conformance/preschool-two-tenths']);
    expect(fx.json<{ shard: unknown }>('s1/results.json').shard).toEqual({ current: 1, total: 2 });
    expect([a.code, b.code]).toEqual([0, 1]);
  }, 60_000);

  it('merge-reports writes results.json, junit.xml and index.html; its JUnit equals the unsharded one but for times', async () => {
    const merged = await fx.run('merge-reports', 's2', 's1', '--output', 'merged');
    expect(merged.code).toBe(1);
    expect(merged.out).toContain('merged 2 reports into merged: 3 scenarios, 2 passed, 1 failed, 0 errors');
    expect(timeless(fx.read('merged/junit.xml'))).toBe(timeless(fx.read('whole/junit.xml')));
    const results = fx.json<{ summary: Record<string, number>; shard?: unknown }>('merged/results.json');
    expect(results.summary).toMatchObject({ total: 3, passed: 2, failed: 1 });
    expect(results.shard).toBeUndefined();
    expect(fx.read('merged/index.html')).toContain('data-id="conformance/preschool-two-tenths"');
  }, 30_000);

  it('merge-reports warns about a missing shard and refuses the same shard twice (exit 2)', async () => {
    const partial = await fx.run('merge-reports', 's1', '--output', 'partial');
    expect(partial.err).toContain('warning: shard 2/2 missing: the merged report is incomplete');
    const twice = await fx.run('merge-reports', 's1', 's1', '--output', 'twice');
    expect(twice.code).toBe(2);
    expect(twice.err).toContain('scenario conformance/late-elder-one-tenth is in input 1 and input 2');
    const none = await fx.run('merge-reports', 'no-such-dir');
    expect(none.code).toBe(2);
    expect(none.err).toContain('no-such-dir: no such file or folder');
  });

  it('--shard rejects a malformed spec with exit 2', async () => {
    const bad = await fx.run('run', 'scenarios', '--shard', '3/2');
    expect(bad.code).toBe(2);
    expect(bad.err).toContain('--shard must be i/n with 1 ≤ i ≤ n, e.g. 2/4; received "3/2"');
  });
});

describe('expected-failures baseline', () => {
  const fx = new CliFixture().write({
    'scenarios/elder.yaml': THREE['scenarios/elder.yaml'],
    'scenarios/preschool.yaml': THREE['scenarios/preschool.yaml'],
  });
  const run = (...extra: string[]) => fx.run('run', 'scenarios', '--reporter', 'console', 'json', 'junit', '--output', 'r', ...extra);

  it('a known failure does not fail the run; JUnit shows it as skipped', async () => {
    fx.write({ 'known.yaml': '- id: conformance/preschool-two-tenths\n  reason: ratio table not updated (ACME-17)\n' });
    const r = await run('--baseline', 'known.yaml');
    expect(r.code).toBe(0);
    expect(fx.json<{ summary: object }>('r/results.json').summary).toMatchObject({ passed: 1, failed: 0, knownFailures: 1, stale: 0 });
    expect(fx.read('r/junit.xml')).toContain('<skipped message="known failure (baseline): ratio table not updated (ACME-17)"/>');
  }, 30_000);

  it('a new failure fails the run (exit 1)', async () => {
    fx.write({ 'other.yaml': '- id: conformance/somebody-else\n  reason: not this one\n' });
    expect((await run('--baseline', 'other.yaml')).code).toBe(1);
  }, 30_000);

  it('a listed scenario that passes is stale and fails the run', async () => {
    fx.write({ 'stale.yaml': '- id: conformance/preschool-two-tenths\n  reason: x\n- id: conformance/late-elder-one-tenth\n  reason: fixed in 5.3\n' });
    const r = await run('--baseline', 'stale.yaml');
    expect(r.code).toBe(1);
    expect(r.out).toContain('stale baseline entry: passed, but listed as failing (fixed in 5.3)');
    expect(fx.json<{ summary: object }>('r/results.json').summary).toMatchObject({ knownFailures: 1, stale: 1, passed: 0 });
  }, 30_000);

  it('--update-baseline rewrites the file: failing ids in, passing ids out; then the run passes', async () => {
    fx.write({ 'update.yaml': '- id: conformance/late-elder-one-tenth\n  reason: fixed in 5.3\n' });
    const r = await run('--baseline', 'update.yaml', '--update-baseline');
    expect(r.code).toBe(0);
    const text = fx.read('update.yaml');
    expect(text).toContain('- id: conformance/preschool-two-tenths\n  reason: "outcome.copayRatio: expected 30, got 20"');
    expect(text).not.toContain('late-elder');
    expect((await run('--baseline', 'update.yaml')).code).toBe(0);
  }, 30_000);

  it('a malformed baseline is a usage error naming the entry (exit 2)', async () => {
    fx.write({ 'bad.yaml': '- id: conformance/x\n  reason: ok\n- id: conformance/y\n' });
    const r = await run('--baseline', 'bad.yaml');
    expect(r.code).toBe(2);
    expect(r.err).toContain('bad.yaml: entry 2: reason:');
    const missing = await run('--baseline', 'none.yaml');
    expect(missing.code).toBe(2);
    expect(missing.err).toContain('none.yaml: cannot read the baseline');
  });
});

describe('--retries and flaky marking', () => {
  let server: ReferenceServer;
  beforeAll(async () => {
    // A reception that gets the very first result wrong, then behaves: flaky from the outside.
    let results = 0;
    const flakyDecide: Decide = (prev, msg) => {
      const out = decide(prev, msg);
      if (msg.type === 'qualification.result' && ++results === 1) return { ...out, copayRatio: 100 };
      return out;
    };
    server = await startReferenceServer({ decide: flakyDecide, name: 'flaky-reception' });
  });
  afterAll(() => server.close());

  it('a scenario that passes on a retry is flaky, reported as such, exit 0', async () => {
    const fx = new CliFixture().write({ 'scenarios/elder.yaml': THREE['scenarios/elder.yaml'] });
    const r = await fx.run('run', 'scenarios', '--sut', server.url, '--retries', '1', '--reporter', 'console', 'json', 'junit', '--output', 'r');
    expect(r.code).toBe(0);
    expect(r.out).toContain('flaky');
    expect(r.out).toContain('attempt 1: failed — outcome.copayRatio: expected 10, got 100');
    const s = fx.json<{ summary: object; scenarios: { status: string; attempts: unknown[] }[] }>('r/results.json');
    expect(s.summary).toMatchObject({ total: 1, passed: 0, flaky: 1, failed: 0 });
    expect(s.scenarios[0]!.status).toBe('flaky');
    expect(fx.read('r/junit.xml')).toContain('<flakyFailure message="outcome.copayRatio: expected 10, got 100" type="failed"/>');
  }, 30_000);
});
