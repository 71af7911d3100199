import { describe, expect, it } from 'vitest';
import { builtIn, CliFixture, REPO } from './cli-fixture.js';

/**
 * `myna-rig validate` checks suite files too: their schema, the order of their levels, and that
 * every scenario id they require exists; each problem as file:line:col: field: message, exit 2.
 */
const SUITE = `suite: clinic-test
version: 1.0.0
title: Test suite
scenarios: [../scenarios]
levels:
  basic:
    scenarios:
      - conformance/pin-check-accepted
  full:
    scenarios:
      - conformance/pin-check-accepted
      - conformance/late-elder-one-tenth
`;

const files = (suite: string): Record<string, string> => ({
  'scenarios/pin.yaml': builtIn('pin-check-accepted.yaml'),
  'scenarios/elder.yaml': builtIn('late-elder-one-tenth.yaml'),
  'scenarios/suites/test.yaml': suite.replace('[../scenarios]', '[..]'),
});

describe('myna-rig validate with suites', () => {
  it('with no argument checks scenarios/ including scenarios/suites/, and says so (exit 0)', async () => {
    const fx = new CliFixture().write(files(SUITE));
    const r = await fx.run('validate');
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toBe('myna-rig: 2 scenarios valid, 1 suite valid');
  });

  it('an unknown required id is reported at its line in the suite (exit 2)', async () => {
    const fx = new CliFixture().write(files(SUITE.replace('      - conformance/late-elder-one-tenth\n', '      - conformance/late-elder-one-tenth\n      - conformance/no-such-thing\n')));
    const r = await fx.run('validate');
    expect(r.code).toBe(2);
    expect(r.err).toContain(
      'scenarios/suites/test.yaml:13:9: levels.full.scenarios.2: no scenario "conformance/no-such-thing" in ..; a suite may only require scenarios that exist',
    );
    expect(r.err).toContain('myna-rig: 1 problem in scenario and suite files');
  });

  it('a level that drops a scenario of the level before it is an error at that level (exit 2)', async () => {
    const fx = new CliFixture().write({ 'suites/test.yaml': SUITE.replace('      - conformance/pin-check-accepted\n      - conformance/late', '      - conformance/late'), 'scenarios/pin.yaml': builtIn('pin-check-accepted.yaml'), 'scenarios/elder.yaml': builtIn('late-elder-one-tenth.yaml') });
    const r = await fx.run('validate', 'suites/test.yaml');
    expect(r.code).toBe(2);
    expect(r.err).toContain(
      'suites/test.yaml:11:7: levels.full.scenarios: level full omits "conformance/pin-check-accepted", which the less demanding level basic requires; a level must require every scenario of the level before it',
    );
  });

  it('schema problems in a suite named on the command line, and in a scenario next to it, are all reported', async () => {
    const fx = new CliFixture().write({
      ...files(SUITE.replace('version: 1.0.0', 'version: v1')),
      'scenarios/bad.yaml': builtIn('pin-check-accepted.yaml', (t) => t.replace('id: conformance/pin-check-accepted', 'id: Bad Id')),
    });
    const r = await fx.run('validate', 'scenarios/suites/test.yaml', 'scenarios/bad.yaml');
    expect(r.code).toBe(2);
    expect(r.err).toContain('scenarios/suites/test.yaml:2:10: version: must be a version such as 1.0.0');
    expect(r.err).toMatch(/scenarios\/bad\.yaml:\d+:5: id: /);
    expect(r.err).toContain('myna-rig: 2 problems in scenario and suite files');
  });

  it('the shipped scenarios and suite are valid', async () => {
    const fx = new CliFixture();
    const r = await fx.run('validate', `${REPO}/scenarios`);
    expect(r.code).toBe(0);
    expect(r.out).toBe('myna-rig: 51 scenarios valid, 1 suite valid');
  });
});
