import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { builtIn, CliFixture, REPO } from './cli-fixture.js';

/** `myna-rig serve` in a real process: URLs printed, reader page and central answer, Ctrl-C → exit 0. */
describe('myna-rig serve', () => {
  it('serves one scenario’s world with the reference reception until SIGINT', async () => {
    const fx = new CliFixture().write({
      'two.yaml': `${builtIn('late-elder-one-tenth.yaml')}\n---\n${builtIn('pin-check-accepted.yaml')}`,
    });
    const proc = spawn(
      process.execPath,
      ['--import', 'tsx', 'src/runner/cli/main-entry.ts', 'serve', '--scenario', fx.path('two.yaml'), '--id', 'conformance/pin-check-accepted', '--reference'],
      { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1' } },
    );
    let out = '';
    let err = '';
    proc.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const exited = new Promise<number | null>((resolve) => proc.once('exit', (c) => resolve(c)));
    const urls = await new Promise<Record<string, string>>((resolve, reject) => {
      proc.once('exit', (c) => reject(new Error(`serve exited early with ${c}\nstdout: ${out}\nstderr: ${err}`)));
      proc.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        if (!out.includes('Ctrl-C to stop')) return;
        const found: Record<string, string> = {};
        for (const m of out.matchAll(/^([a-z ()]+): ((?:https?|ws):\/\/\S+)$/gm)) found[m[1]!] = m[2]!;
        resolve(found);
      });
    });
    try {
      expect(Object.keys(urls).sort()).toEqual(['central', 'reader page', 'terminal', 'terminal reception (ws)']);
      expect(urls['terminal reception (ws)']).toMatch(/^ws:\/\/127\.0\.0\.1:\d+\/reception$/);
      expect(out).toContain('myna-rig serve: conformance/pin-check-accepted (');
      expect(out).toContain('virtual clock at 2025-04-01T09:30:00+09:00');
      expect(out).toContain('reception: the reference reception, connected');

      const page = await fetch(urls['reader page']!);
      expect(page.status).toBe(200);
      expect(page.headers.get('content-type')).toContain('text/html');
      const state = (await (await fetch(new URL('/api/state', urls['reader page']))).json()) as { personas: unknown; cardOn: unknown };
      expect(state.personas).toEqual([{ id: 'taro', label: 'taro — 山田　太郎' }]);
      expect(state.cardOn).toBe(null);
      const placed = await fetch(new URL('/api/actions', urls['reader page']), {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ type: 'place-card', persona: 'taro' }),
      });
      expect(placed.status).toBe(200);
      expect(((await placed.json()) as { cardOn: unknown }).cardOn).toBe('taro');

      const challenge = await fetch(`${urls.central}/v1/challenges`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
      expect(challenge.status).toBe(200);
      expect(Object.keys((await challenge.json()) as object).sort()).toEqual(['challengeId', 'expiresAt', 'nonce']);
    } finally {
      proc.kill('SIGINT');
    }
    expect(await exited).toBe(0);
    expect(out).toContain('myna-rig serve: stopped');
  }, 60_000);

  it('an unknown --id is a usage error naming the ids in the file', async () => {
    const fx = new CliFixture().write({ 'one.yaml': builtIn('pin-check-accepted.yaml') });
    const r = await fx.run('serve', '--scenario', 'one.yaml', '--id', 'conformance/nope');
    expect(r.code).toBe(2);
    expect(r.err).toContain('myna-rig: serve: no scenario "conformance/nope" in one.yaml; it has conformance/pin-check-accepted');
  });
});

describe('myna-rig serve: memory-bound options', () => {
  it.each([
    ['--max-live-checks', '0', '--max-live-checks must be an integer from 1 to 16,777,216, received "0"'],
    ['--max-live-checks', '16777217', 'received "16777217"'],
    ['--consent-retention-days', '0.5', '--consent-retention-days must be an integer from 1 to 36,500, received "0.5"'],
    ['--max-consents', 'many', '--max-consents must be an integer from 1 to 100,000,000, received "many"'],
  ])('%s %s is refused before anything starts', async (option, value, message) => {
    const fx = new CliFixture().write({ 'one.yaml': builtIn('pin-check-accepted.yaml') });
    const r = await fx.run('serve', '--scenario', 'one.yaml', option, value);
    expect(r.code).not.toBe(0);
    expect(r.err).toContain(message);
  });
});
