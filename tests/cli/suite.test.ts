import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startReferenceServer, type ReferenceServer } from '../../src/reference-clinic/server.js';
import { builtIn, CliFixture } from './cli-fixture.js';

/**
 * Versioned suites and certification: `myna-rig run --suite <file> [--level <name>]` runs the
 * level's scenarios and writes certification.json + certification.html; a suite that requires a
 * scenario nobody wrote is a usage error reported at its line. Also myna-rig.config.json.
 */
const SUITE = `suite: clinic-test
version: 1.2.0
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
`;

const files = (suite = SUITE, pinEdit?: (t: string) => string): Record<string, string> => ({
  'scenarios/pin.yaml': builtIn('pin-check-accepted.yaml', pinEdit),
  'scenarios/elder.yaml': builtIn('late-elder-one-tenth.yaml'),
  'suites/test.yaml': suite,
});

interface Cert {
  kind: string;
  suite: { id: string; version: string; title: string };
  sut: { name: string; url?: string; info?: Record<string, unknown> };
  level: string;
  verdict: string;
  levels: Array<{ level: string; verdict: string; required: number; passed: number; scenarios: Array<{ id: string; status: string }> }>;
  date: string;
  seed: number;
  tool: { name: string; version: string };
}

describe('run --suite', () => {
  it('--level basic runs only that level; the certificate passes basic and marks full not run', async () => {
    const fx = new CliFixture().write(files());
    const r = await fx.run('run', '--suite', 'suites/test.yaml', '--level', 'basic', '--reporter', 'json', '--seed', '7');
    expect(r.code).toBe(0);
    expect(fx.json<{ scenarios: { id: string }[] }>('reports/results.json').scenarios.map((s) => s.id)).toEqual(['conformance/pin-check-accepted']);
    const c = fx.json<Cert>('reports/certification.json');
    expect(c.kind).toBe('myna-rig-certification');
    expect(c.suite).toEqual({ id: 'clinic-test', version: '1.2.0', title: 'Test suite' });
    expect(c.sut).toEqual({ name: 'reference-reception' });
    expect(c.level).toBe('basic');
    expect(c.verdict).toBe('pass');
    expect(c.seed).toBe(7);
    expect(c.tool).toEqual({ name: 'myna-rig', version: '0.1.0' });
    expect(c.date).toMatch(/^\d{4}-\d{2}-\d{2}T/);
    expect(c.levels).toEqual([
      { level: 'basic', title: 'the PIN path', verdict: 'pass', required: 1, passed: 1, scenarios: [{ id: 'conformance/pin-check-accepted', status: 'passed' }] },
      {
        level: 'full',
        verdict: 'not-run',
        required: 2,
        passed: 1,
        scenarios: [
          { id: 'conformance/pin-check-accepted', status: 'passed' },
          { id: 'conformance/late-elder-one-tenth', status: 'not-run' },
        ],
      },
    ]);
    const html = fx.read('reports/certification.html');
    expect(html).toContain('clinic-test 1.2.0 / level <code>basic</code>: <span class="verdict">PASS 合格</span>');
    expect(html).toContain('<code>conformance/pin-check-accepted</code>');
    expect(r.out).toContain('myna-rig: certification clinic-test 1.2.0 / basic: PASS (1/1 required scenarios passed)');
  }, 60_000);

  it('without --level runs the last level; a failing required scenario fails it (exit 1)', async () => {
    const fx = new CliFixture().write(files(SUITE, (t) => t.replace('copayRatio: 30', 'copayRatio: 20')));
    const r = await fx.run('run', '--suite', 'suites/test.yaml', '--reporter', 'json');
    expect(r.code).toBe(1);
    const c = fx.json<Cert>('reports/certification.json');
    expect(c.level).toBe('full');
    expect(c.verdict).toBe('fail');
    expect(c.levels.map((l) => [l.level, l.verdict, l.passed, l.required])).toEqual([
      ['basic', 'fail', 0, 1],
      ['full', 'fail', 1, 2],
    ]);
    expect(fx.read('reports/certification.html')).toContain('FAIL 不合格');
  }, 60_000);

  it('a required scenario id that does not exist is a usage error at its line in the suite (exit 2)', async () => {
    const fx = new CliFixture().write(files(SUITE.replace('      - conformance/late-elder-one-tenth\n', '      - conformance/late-elder-one-tenth\n      - conformance/no-such-thing\n')));
    const r = await fx.run('run', '--suite', 'suites/test.yaml', '--reporter', 'json');
    expect(r.code).toBe(2);
    expect(r.err).toContain(
      'suites/test.yaml:14:9: levels.full.scenarios.2: no scenario "conformance/no-such-thing" in ../scenarios; a suite may only require scenarios that exist',
    );
    expect(r.err).toContain('nothing was run');
  });

  it('a malformed suite is reported as file:line:col: field: message (exit 2)', async () => {
    const fx = new CliFixture().write(files(SUITE.replace('version: 1.2.0', 'version: one').replace('  basic:\n', '  basic:\n    colour: red\n')));
    const r = await fx.run('run', '--suite', 'suites/test.yaml');
    expect(r.code).toBe(2);
    expect(r.err).toContain('suites/test.yaml:2:10: version: must be a version such as 1.0.0');
    expect(r.err).toContain('suites/test.yaml:7:5: levels.basic.colour: unknown field "colour"');
  });

  it('an unknown --level names the levels there are; --level without --suite is a usage error', async () => {
    const fx = new CliFixture().write(files());
    const a = await fx.run('run', '--suite', 'suites/test.yaml', '--level', 'gold');
    expect(a.code).toBe(2);
    expect(a.err).toContain('--level gold: suite clinic-test 1.2.0 (suites/test.yaml) has the levels basic, full');
    const b = await fx.run('run', 'scenarios', '--level', 'basic');
    expect(b.code).toBe(2);
    expect(b.err).toContain('--level needs --suite <file>');
  });

  describe('against a remote SUT', () => {
    let server: ReferenceServer;
    beforeAll(async () => {
      server = await startReferenceServer({ name: 'ACME レセコン' });
    });
    afterAll(() => server.close());

    it('records the SUT name, URL and its GET / answer', async () => {
      const fx = new CliFixture().write(files());
      const r = await fx.run('run', '--suite', 'suites/test.yaml', '--level', 'basic', '--sut', server.url, '--reporter', 'json');
      expect(r.code).toBe(0);
      const c = fx.json<Cert>('reports/certification.json');
      expect(c.sut).toEqual({ name: 'ACME レセコン', url: server.url, info: { protocol: 'myna-rig-sut', v: 1, name: 'ACME レセコン' } });
    }, 60_000);
  });
});

describe('myna-rig.config.json', () => {
  it('run with no arguments takes suite, level and reporters from the config; flags override it', async () => {
    const fx = new CliFixture().write({
      ...files(),
      'myna-rig.config.json': JSON.stringify({ suite: 'suites/test.yaml', level: 'basic', reporters: ['json'], workers: 1, output: 'out' }),
    });
    const a = await fx.run('run');
    expect(a.code).toBe(0);
    expect(fx.json<Cert>('out/certification.json').level).toBe('basic');
    expect(fx.json<{ scenarios: unknown[] }>('out/results.json').scenarios).toHaveLength(1);
    const b = await fx.run('run', '--level', 'full', '--output', 'flags');
    expect(b.code).toBe(0);
    expect(fx.json<Cert>('flags/certification.json').level).toBe('full');
    expect(fx.json<{ scenarios: unknown[] }>('flags/results.json').scenarios).toHaveLength(2);
  }, 60_000);

  it('a bad value names the config file, the field, the rule and what it received (exit 2)', async () => {
    const fx = new CliFixture().write({ 'custom.json': JSON.stringify({ workers: -1, reporters: ['console', 'pdf'], colour: 'red' }) });
    const r = await fx.run('run', '--config', 'custom.json');
    expect(r.code).toBe(2);
    expect(r.err).toContain('custom.json: `colour` is not a config field; known fields: sut, sutTimeout, suite, level, scenarios, reporters, workers, retries, seed, stepTimeout, output, baseline');
    expect(r.err).toContain('custom.json: `workers` must be a positive integer, received -1');
    expect(r.err).toContain('custom.json: `reporters.1` must be one of console, junit, json, html, received "pdf"');
  });

  it('--config naming a missing file is a usage error that says how to create one', async () => {
    const fx = new CliFixture();
    const r = await fx.run('run', '--config', 'nope.json');
    expect(r.code).toBe(2);
    expect(r.err).toContain('nope.json: no such config file; create one with `myna-rig init`');
  });
});
