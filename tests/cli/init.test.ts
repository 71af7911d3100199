import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startReferenceServer, type ReferenceServer } from '../../src/reference-clinic/server.js';
import { loadConfig } from '../../src/runner/cli/config.js';
import { probeSut } from '../../src/runner/remote-adapter.js';
import { CliFixture, REPO } from './cli-fixture.js';

/** `myna-rig init [dir]`: a vendor's config and adapter stub; never overwrites. */
describe('myna-rig init', () => {
  const fx = new CliFixture();
  let first: { code: number; out: string };

  beforeAll(async () => {
    first = await fx.run('init', 'proj');
  });

  it('writes myna-rig.config.json (valid, pointing at the shipped suite) and sut-adapter.example.ts', async () => {
    expect(first.code).toBe(0);
    expect(first.out).toContain('myna-rig: wrote proj/myna-rig.config.json and proj/sut-adapter.example.ts');
    const config = await loadConfig(fx.path('proj/myna-rig.config.json'));
    expect(config).toEqual({
      sut: 'http://127.0.0.1:7070',
      suite: join(REPO, 'scenarios/suites/oqs-reception-v1.yaml'),
      level: 'basic',
      reporters: ['console', 'junit', 'json', 'html'],
      workers: 2,
    });
    const stub = fx.read('proj/sut-adapter.example.ts');
    expect(stub).toContain("protocol: 'myna-rig-sut', v: 1");
    expect(stub).toContain('TODO: connect YOUR reception system');
  });

  it('refuses to overwrite: exit 2, naming every file that exists, writing nothing', async () => {
    const again = await fx.run('init', 'proj');
    expect(again.code).toBe(2);
    expect(again.err).toContain('myna-rig: init: proj/myna-rig.config.json, proj/sut-adapter.example.ts already exist; nothing was written');
    fx.write({ 'half/myna-rig.config.json': '{}' });
    const half = await fx.run('init', 'half');
    expect(half.code).toBe(2);
    expect(half.err).toContain('myna-rig: init: half/myna-rig.config.json already exists; nothing was written');
    expect(existsSync(fx.path('half/sut-adapter.example.ts'))).toBe(false);
    expect(fx.read('half/myna-rig.config.json')).toBe('{}');
  });

  describe('the scaffold in use', () => {
    let stub: ChildProcess;
    let stubUrl: string;
    let reference: ReferenceServer;

    beforeAll(async () => {
      reference = await startReferenceServer({ name: 'vendor-under-test' });
      stub = spawn(join(REPO, 'node_modules/.bin/tsx'), ['sut-adapter.example.ts'], { cwd: fx.path('proj'), env: { ...process.env, PORT: '0' } });
      const lines = createInterface({ input: stub.stdout! });
      stubUrl = await new Promise<string>((resolve, reject) => {
        stub.once('exit', (code) => reject(new Error(`the adapter stub exited with ${code}`)));
        lines.on('line', (line) => {
          const m = /listening on (http:\/\/\S+)/.exec(line);
          if (m) resolve(m[1]!);
        });
      });
    }, 30_000);

    afterAll(async () => {
      await reference.close();
      if (stub.exitCode === null) {
        const exited = new Promise((r) => stub.once('exit', r));
        stub.kill('SIGTERM');
        await exited;
      }
    });

    it('the adapter stub runs as written and speaks the protocol: GET /, POST, outcome, DELETE', async () => {
      expect(await probeSut(stubUrl)).toEqual({ protocol: 'myna-rig-sut', v: 1, name: 'Example reception', version: '0.0.1' });
      const started = await fetch(`${stubUrl}/v1/receptions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ v: 1, scenarioId: 'x', seed: 1, receptionUrl: 'ws://127.0.0.1:1/reception', terminalUrl: 'http://127.0.0.1:1' }),
      });
      expect(started.status).toBe(201);
      expect(await started.json()).toEqual({ receptionId: 'r1' });
      expect(await (await fetch(`${stubUrl}/v1/receptions/r1/outcome`)).json()).toEqual({ outcome: null });
      expect((await fetch(`${stubUrl}/v1/receptions/r1`, { method: 'DELETE' })).status).toBe(204);
      expect((await fetch(`${stubUrl}/v1/receptions/r1/outcome`)).status).toBe(404);
    }, 30_000);

    it('the config certifies a system against the shipped suite (basic: 6 of 6) with --sut overriding its URL', async () => {
      const r = await fx.run('run', '--config', 'proj/myna-rig.config.json', '--sut', reference.url, '--reporter', 'json', '--workers', '1', '--output', 'cert');
      expect(r.code).toBe(0);
      const c = fx.json<{ verdict: string; level: string; sut: { name: string }; levels: Array<{ level: string; passed: number; required: number; verdict: string }> }>(
        'cert/certification.json',
      );
      expect([c.level, c.verdict, c.sut.name]).toEqual(['basic', 'pass', 'vendor-under-test']);
      expect(c.levels.map((l) => [l.level, l.passed, l.required, l.verdict])).toEqual([
        ['basic', 6, 6, 'pass'],
        ['full', 6, 51, 'not-run'],
      ]);
    }, 60_000);
  });
});
