import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { main } from '../../src/runner/cli/main.js';


process.env.MYNA_RIG_WORKERS ??= '1'; // threads are covered by tests/integration/workers.test.ts

/**
 * The CLI as a user meets it: scenario files in a temp dir, `myna-rig …` run there, exit codes
 * and report files checked. In-process (main() is the whole CLI but the two-line bin launcher);
 * one test runs the real bin in a child process.
 */
const REPO = process.cwd();
let dir: string;
let out: string[];
let err: string[];

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'myna-rig-cli-'));
  out = [];
  err = [];
  vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => void out.push(a.join(' ')));
  vi.spyOn(console, 'error').mockImplementation((...a: unknown[]) => void err.push(a.join(' ')));
});
afterEach(() => vi.restoreAllMocks());

const cli = (...args: string[]): Promise<number> => main(['node', 'myna-rig', ...args]);

function copyScenario(name: string, edit?: (text: string) => string): string {
  const target = join(dir, 'scenarios', name);
  mkdirSync(join(dir, 'scenarios'), { recursive: true });
  const text = readFileSync(join(REPO, 'scenarios/conformance', name), 'utf8');
  writeFileSync(target, edit ? edit(text) : text);
  return target;
}

describe('myna-rig CLI', () => {
  it('run: exits 0 when every scenario passes and writes junit.xml and results.json', async () => {
    const file = copyScenario('pin-check-accepted.yaml');
    const reports = join(dir, 'reports');
    const code = await cli('run', file, '--output', reports, '--reporter', 'console', 'junit', 'json');
    expect(code).toBe(0);
    const results = JSON.parse(readFileSync(join(reports, 'results.json'), 'utf8'));
    expect(results.summary).toMatchObject({ total: 1, passed: 1, failed: 0, errors: 0 });
    expect(results.scenarios[0].id).toBe('conformance/pin-check-accepted');
    // PINs never reach a report.
    expect(JSON.stringify(results)).not.toContain('"1234"');
    expect(results.scenarios[0].steps.map((s: { step: string }) => s.step)).toContain('enter-pin: ****');
    const junit = readFileSync(join(reports, 'junit.xml'), 'utf8');
    expect(junit).toContain('<testsuites name="myna-rig" tests="1" failures="0" errors="0"');
    expect(out.join('\n')).toContain('1 passed, 0 failed');
  }, 60_000);

  it('run: exits 1 on a failed expectation and prints the repro line', async () => {
    const file = copyScenario('pin-check-accepted.yaml', (t) => t.replace('copayRatio: 30', 'copayRatio: 20'));
    const reports = join(dir, 'reports');
    const code = await cli('run', file, '--output', reports, '--seed', '7');
    expect(code).toBe(1);
    const text = out.join('\n');
    expect(text).toContain('outcome.copayRatio: expected 20, got 30');
    expect(text).toContain('repro: npx myna-rig run ');
    expect(text).toMatch(/--id conformance\/pin-check-accepted --seed 7/);
    const junit = readFileSync(join(reports, 'junit.xml'), 'utf8');
    expect(junit).toContain('failures="1"');
    expect(junit).toContain('<failure message="outcome.copayRatio: expected 20, got 30"');
  }, 60_000);

  it('run and validate: exit 2 on a malformed scenario file, naming file:line:col and field', async () => {
    const file = copyScenario('pin-check-accepted.yaml', (t) => t.replace('  - enter-pin: "1234"', '  - enter-pin: 1234'));
    expect(await cli('validate', file)).toBe(2);
    expect(err[0]).toMatch(/pin-check-accepted\.yaml:\d+:16: steps\.\d+\.enter-pin: must be a quoted string of 4 digits/);
    err = [];
    expect(await cli('run', file, '--output', join(dir, 'r'))).toBe(2);
    expect(err.join('\n')).toContain('nothing was run');
    expect(existsSync(join(dir, 'r', 'results.json'))).toBe(false);
  });

  it('exit 2 on usage errors: unknown option, bad seed, unknown reporter, no match', async () => {
    const file = copyScenario('pin-check-accepted.yaml');
    vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    expect(await cli('run', file, '--no-such-option')).toBe(2);
    expect(await cli('run', file, '--seed', 'abc')).toBe(2);
    expect(await cli('run', file, '--reporter', 'tap')).toBe(2);
    expect(err.join('\n')).toContain('unknown reporter tap; choose from console, junit, json, html');
    expect(await cli('run', file, '--id', 'conformance/none')).toBe(2);
  });

  it('list prints ids; schema prints a JSON Schema that names every step', async () => {
    copyScenario('pin-check-accepted.yaml');
    expect(await cli('list', join(dir, 'scenarios'))).toBe(0);
    expect(out.join('\n')).toContain('conformance/pin-check-accepted');
    out = [];
    expect(await cli('schema')).toBe(0);
    const schema = JSON.parse(out.join('\n'));
    const text = JSON.stringify(schema);
    for (const step of ['place-card', 'enter-pin', 'present-face', 'consent', 'remove-card', 'advance-clock']) expect(text).toContain(`"${step}"`);
  });

  it('the bin launcher runs the built CLI (--help exits 0)', async () => {
    const { stdout } = await promisify(execFile)('node', [join(REPO, 'bin/myna-rig.js'), '--help']);
    expect(stdout).toContain('Usage: myna-rig');
    expect(stdout).toContain('run [options] [paths...]');
  });
});
