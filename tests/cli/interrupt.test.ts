import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { builtIn, CliFixture, REPO } from './cli-fixture.js';

/** Ctrl-C in a real process: the running scenario finishes, the reports are written and marked partial. */
describe('Ctrl-C during a run', () => {
  it('stops after the running scenario, writes a partial report, exits 1', async () => {
    const fx = new CliFixture().write({
      'scenarios/a.yaml': builtIn('late-elder-one-tenth.yaml'),
      'scenarios/b.yaml': builtIn('preschool-two-tenths.yaml'),
      'scenarios/c.yaml': builtIn('pin-check-accepted.yaml'),
      'scenarios/d.yaml': builtIn('cert-expired-in-grace.yaml'),
    });
    const proc = spawn(
      process.execPath,
      ['--import', 'tsx', 'src/runner/cli/main-entry.ts', 'run', fx.path('scenarios'), '--concurrency', '1', '--output', fx.path('r'), '--reporter', 'console', 'json', 'junit', 'html'],
      { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1' } },
    );
    let out = '';
    let err = '';
    let sent = false;
    proc.stderr.on('data', (d: Buffer) => (err += d.toString()));
    proc.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      // After the first scenario has finished: the second is running, two are not started.
      if (!sent && /✓ conformance\/late-elder-one-tenth/.test(out)) {
        sent = true;
        proc.kill('SIGINT');
      }
    });
    const code = await new Promise<number | null>((resolve) => proc.once('exit', (c) => resolve(c)));
    expect(sent, `stdout: ${out}\nstderr: ${err}`).toBe(true);
    expect(code).toBe(1);
    expect(err).toContain('interrupted — finishing the running scenarios and writing a partial report');
    expect(out).toContain('interrupted: not every scenario ran; the reports are partial');
    const results = JSON.parse(readFileSync(fx.path('r/results.json'), 'utf8')) as { interrupted?: boolean; scenarios: { id: string }[] };
    expect(results.interrupted).toBe(true);
    expect(results.scenarios.map((s) => s.id)).toEqual(['conformance/late-elder-one-tenth', 'conformance/preschool-two-tenths']);
    expect(readFileSync(fx.path('r/junit.xml'), 'utf8')).toContain('— interrupted, partial');
    expect(readFileSync(fx.path('r/index.html'), 'utf8')).toContain('id="partial"');
    expect(readdirSync(fx.path('r')).filter((n) => n.endsWith('.tmp'))).toEqual([]);
  }, 60_000);
});
