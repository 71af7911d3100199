import { describe, expect, it } from 'vitest';
import { builtIn, CliFixture, REPO } from './cli-fixture.js';

/**
 * myna-rig.config.ts / .mjs / .js: the same fields as myna-rig.config.json, loaded with jiti (no
 * build step), typed with defineConfig from the package entry. Found in the current folder in the
 * order .ts, .mts, .mjs, .js, .json; --config names one explicitly; flags override it.
 */
const SUITE = `suite: clinic-test
version: 1.0.0
title: Test suite
scenarios: [../scenarios]
levels:
  basic:
    scenarios: [conformance/pin-check-accepted]
  full:
    scenarios: [conformance/pin-check-accepted, conformance/late-elder-one-tenth]
`;
const files = {
  'scenarios/pin.yaml': builtIn('pin-check-accepted.yaml'),
  'scenarios/elder.yaml': builtIn('late-elder-one-tenth.yaml'),
  'suites/test.yaml': SUITE,
};

describe('myna-rig.config.ts', () => {
  it('a TypeScript config using defineConfig is found by name, typed code and all, and wins over the .json', async () => {
    const fx = new CliFixture().write({
      ...files,
      'myna-rig.config.ts': `import { defineConfig } from '${REPO}/src/runner/define-config.ts';
const level: string = 'basic';
export default defineConfig({ suite: 'suites/test.yaml', level, reporters: ['json'], output: 'from-ts' });
`,
      'myna-rig.config.json': JSON.stringify({ output: 'from-json', reporters: ['json'] }),
    });
    const r = await fx.run('run');
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(fx.json<{ level: string }>('from-ts/certification.json').level).toBe('basic');
    expect(fx.json<{ scenarios: unknown[] }>('from-ts/results.json').scenarios).toHaveLength(1);
  }, 60_000);

  it('an .mjs config may export a function; --config picks it; a flag overrides it', async () => {
    const fx = new CliFixture().write({
      ...files,
      'rig.mjs': `export default async () => ({ scenarios: ['scenarios/pin.yaml'], reporters: ['json'], seed: 41, output: 'mjs' });\n`,
    });
    const r = await fx.run('run', '--config', 'rig.mjs', '--seed', '42');
    expect(r.code).toBe(0);
    const results = fx.json<{ seed: number; scenarios: { id: string }[] }>('mjs/results.json');
    expect(results.seed).toBe(42);
    expect(results.scenarios.map((s) => s.id)).toEqual(['conformance/pin-check-accepted']);
  }, 60_000);

  it('a bad field in a .js config is reported like in JSON: file, field, rule, received (exit 2)', async () => {
    const fx = new CliFixture().write({ 'myna-rig.config.js': `export default { workers: 0, colour: 'red' };\n` });
    const r = await fx.run('run');
    expect(r.code).toBe(2);
    expect(r.err).toContain('myna-rig.config.js: `colour` is not a config field');
    expect(r.err).toContain('myna-rig.config.js: `workers` must be a positive integer, received 0');
  });

  it('a config that does not load, or exports no object, says what to do (exit 2)', async () => {
    const fx = new CliFixture().write({ 'broken.ts': 'export default {{;\n', 'empty.ts': 'export const x = 1;\n' });
    const a = await fx.run('run', '--config', 'broken.ts');
    expect(a.code).toBe(2);
    expect(a.err).toContain('broken.ts: the config module failed to load: ');
    expect(a.err).toContain('`npx tsx broken.ts`');
    const b = await fx.run('run', '--config', 'empty.ts');
    expect(b.code).toBe(2);
    expect(b.err).toContain('empty.ts: the config module must `export default defineConfig({ ... })` (an object)');
  });

  it('defineConfig is exported from the package entry and returns its argument', async () => {
    const { defineConfig } = await import('../../src/index.js');
    const c = { suite: 's.yaml', workers: 2 };
    expect(defineConfig(c)).toBe(c);
  });
});
