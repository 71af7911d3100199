import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { builtIn, CliFixture } from './cli-fixture.js';

/**
 * A CI matrix certifies too: each shard of `run --suite` carries the suite and level in its
 * results.json, and merge-reports writes certification.json + certification.html from the merged
 * shards, identical to those of one unsharded run but for the date.
 */
const SUITE = `suite: clinic-test
version: 2.0.1
title: Test suite
scenarios: [../scenarios]
levels:
  basic:
    title: the PIN path
    scenarios:
      - conformance/pin-check-accepted
  full:
    scenarios:
      - conformance/pin-check-accepted
      - conformance/late-elder-one-tenth
      - conformance/preschool-two-tenths
`;

const files = {
  'scenarios/pin.yaml': builtIn('pin-check-accepted.yaml'),
  'scenarios/elder.yaml': builtIn('late-elder-one-tenth.yaml'),
  'scenarios/preschool.yaml': builtIn('preschool-two-tenths.yaml'),
  'suites/test.yaml': SUITE,
};

const withoutDate = (text: string): string => text.replace(/\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z/g, '<date>');

describe('merge-reports certifies shards of run --suite', () => {
  it('the merged certification equals the unsharded one but for the date', async () => {
    const fx = new CliFixture().write(files);
    const common = ['--suite', 'suites/test.yaml', '--level', 'full', '--reporter', 'json', '--seed', '4'];
    expect((await fx.run('run', ...common, '--output', 'single')).code).toBe(0);
    expect((await fx.run('run', ...common, '--shard', '1/2', '--output', 's1')).code).toBe(0);
    expect((await fx.run('run', ...common, '--shard', '2/2', '--output', 's2')).code).toBe(0);
    // A shard alone certifies nothing: the other shard's scenarios were not run.
    expect(fx.json<{ verdict: string }>('s1/certification.json').verdict).toBe('not-run');
    expect(fx.json<{ certification: { level: string; suite: { version: string } } }>('s1/results.json').certification).toMatchObject({
      level: 'full',
      suite: { version: '2.0.1' },
    });

    const m = await fx.run('merge-reports', 's1', 's2', '--output', 'merged');
    expect(m.code).toBe(0);
    expect(m.err).toBe('');
    expect(m.out).toContain('myna-rig: certification clinic-test 2.0.1 / full: PASS (3/3 required scenarios passed) → merged/certification.html');
    const merged = fx.json<Record<string, unknown>>('merged/certification.json');
    expect(merged).toMatchObject({
      kind: 'myna-rig-certification',
      suite: { id: 'clinic-test', version: '2.0.1', title: 'Test suite' },
      sut: { name: 'reference-reception' },
      level: 'full',
      verdict: 'pass',
      seed: 4,
    });
    expect(withoutDate(fx.read('merged/certification.json'))).toBe(withoutDate(fx.read('single/certification.json')));
    expect(withoutDate(fx.read('merged/certification.html'))).toBe(withoutDate(fx.read('single/certification.html')));
  }, 120_000);

  it('a failing scenario in one shard fails the merged certificate (exit 1)', async () => {
    const fx = new CliFixture().write({ ...files, 'scenarios/preschool.yaml': builtIn('preschool-two-tenths.yaml', (t) => t.replace('copayRatio: 20', 'copayRatio: 30')) });
    const common = ['--suite', 'suites/test.yaml', '--reporter', 'json'];
    await fx.run('run', ...common, '--shard', '1/2', '--output', 's1');
    await fx.run('run', ...common, '--shard', '2/2', '--output', 's2');
    const m = await fx.run('merge-reports', 's1', 's2', '--output', 'merged');
    expect(m.code).toBe(1);
    const c = fx.json<{ verdict: string; levels: Array<{ level: string; verdict: string; passed: number; required: number }> }>('merged/certification.json');
    expect(c.verdict).toBe('fail');
    expect(c.levels.map((l) => [l.level, l.verdict, l.passed, l.required])).toEqual([
      ['basic', 'pass', 1, 1],
      ['full', 'fail', 2, 3],
    ]);
  }, 120_000);

  it('shards of different levels are merged without a certificate, with a warning', async () => {
    const fx = new CliFixture().write(files);
    await fx.run('run', '--suite', 'suites/test.yaml', '--level', 'basic', '--reporter', 'json', '--output', 'a');
    await fx.run('run', 'scenarios/elder.yaml', '--reporter', 'json', '--output', 'b');
    const ok = await fx.run('merge-reports', 'a', 'b', '--output', 'm1');
    expect(ok.err).toContain('1 input was not run with --suite; the certification summary (clinic-test 2.0.1 / basic) counts their scenarios too');
    expect(existsSync(fx.path('m1/certification.json'))).toBe(true);
    await fx.run('run', '--suite', 'suites/test.yaml', '--level', 'full', '--id', 'conformance/late-elder-one-tenth', '--reporter', 'json', '--output', 'c');
    const bad = await fx.run('merge-reports', 'a', 'c', '--output', 'm2');
    expect(bad.err).toContain('the inputs certify different suites or levels (clinic-test 2.0.1 / basic; clinic-test 2.0.1 / full); no certification summary is written');
    expect(existsSync(fx.path('m2/certification.json'))).toBe(false);
    expect(existsSync(fx.path('m2/results.json'))).toBe(true);
  }, 120_000);
});
