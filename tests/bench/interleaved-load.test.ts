import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { InterleavedPlan, InterleavedReport } from '../../bench/backend-http-interleaved-load.js';

const REPO = join(import.meta.dirname, '..', '..');

/**
 * A server that answers each request like central's one-request check, after `delayMs`
 * (`refuse`: not accepted; `hangUpEvery`: closes the connection instead of the n-th answer).
 */
async function fakeServer(opts: { delayMs: number; refuse?: boolean; hangUpEvery?: number }): Promise<{ url: string; requests: () => number; close: () => Promise<void> }> {
  let requests = 0;
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    let pending = Buffer.alloc(0);
    socket.on('data', (chunk) => {
      pending = Buffer.concat([pending, chunk]);
      for (;;) {
        const end = pending.indexOf('\r\n\r\n');
        if (end < 0) return;
        const length = Number(/content-length: (\d+)/i.exec(pending.toString('latin1', 0, end))![1]);
        if (pending.length < end + 4 + length) return;
        pending = pending.subarray(end + 4 + length);
        requests++;
        const n = requests;
        const body = `{"accepted":${opts.refuse ? 'false' : 'true'},"nextChallenge":{"challengeId":"c${n}","nonce":"n${n}"}}`;
        const answer = () => {
          if (opts.hangUpEvery && n % opts.hangUpEvery === 0) socket.destroy();
          else socket.write(`HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body}`);
        };
        if (opts.delayMs > 0) setTimeout(answer, opts.delayMs);
        else answer();
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests: () => requests,
    close: () =>
      new Promise((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

/** Runs bench/backend-http-interleaved-load.ts in its own process, as the bench does. */
async function runInterleaved(plan: InterleavedPlan): Promise<InterleavedReport> {
  const dir = mkdtempSync(join(tmpdir(), 'interleaved-'));
  try {
    writeFileSync(join(dir, 'plan.json'), JSON.stringify(plan));
    const child = spawn(process.execPath, ['--import', 'tsx', 'bench/backend-http-interleaved-load.ts', join(dir, 'plan.json')], { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(code, err).toBe(0);
    return JSON.parse(out) as InterleavedReport;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const plan = (targets: InterleavedPlan['targets'], rounds = 6): InterleavedPlan => ({
  targets,
  connections: 4,
  bodyHead: '{"challengeId":"',
  bodyTail: '"}',
  signatures: {},
  sliceMs: 100,
  warmupRounds: 1,
  rounds,
});

describe('bench: interleaved capacity (servers take turns in slices)', () => {
  const servers: Array<{ close: () => Promise<void> }> = [];
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((s) => s.close()));
  });

  it('measures each server in its own slices: a server twice as slow per request shows half the rate', async () => {
    const fast = await fakeServer({ delayMs: 5 });
    const slow = await fakeServer({ delayMs: 10 });
    servers.push(fast, slow);
    const r = await runInterleaved(plan([
      { name: 'fast', url: fast.url, challenges: [['c0', 'n0']] },
      { name: 'slow', url: slow.url, challenges: [['c0', 'n0']] },
    ]));
    const [f, s] = r.targets;
    expect(f!.name).toBe('fast');
    // 4 connections, one request each in flight: at most 4 / 5 ms = 800/s and 4 / 10 ms = 400/s
    // (late timers on a busy machine only lower them, and bring the ratio from 2 towards 1).
    expect(f!.achieved).toBeGreaterThan(300);
    expect(f!.achieved).toBeLessThan(820);
    expect(s!.achieved).toBeGreaterThan(150);
    expect(s!.achieved).toBeLessThan(410);
    expect(f!.achieved / s!.achieved).toBeGreaterThan(1.4);
    expect(f!.achieved / s!.achieved).toBeLessThan(2.4);
    // Six counted slices each, 100 ms plus the drain of the answers in flight.
    expect(f!.perRound).toHaveLength(6);
    expect(s!.seconds).toBeGreaterThanOrEqual(0.6);
    expect(s!.seconds).toBeLessThan(0.9);
    expect(f!.refused + f!.errors + s!.refused + s!.errors).toBe(0);
    // Every answer was counted once: warm-up included, none lost between the slices.
    expect(r.completedAll.fast).toBe(fast.requests());
    expect(r.completedAll.slow).toBe(slow.requests());
  }, 30_000);

  it('counts answers that are not accepted, and connections that hang up, without stopping', async () => {
    const refusing = await fakeServer({ delayMs: 1, refuse: true });
    const flaky = await fakeServer({ delayMs: 1, hangUpEvery: 50 });
    servers.push(refusing, flaky);
    const r = await runInterleaved(plan([
      { name: 'refusing', url: refusing.url, challenges: [['c0', 'n0']] },
      { name: 'flaky', url: flaky.url, challenges: [['c0', 'n0']] },
    ], 3));
    const [refused, hungUp] = r.targets;
    expect(refused!.completed).toBeGreaterThan(0);
    expect(refused!.refused).toBe(refused!.completed);
    expect(hungUp!.errors).toBeGreaterThan(0);
    expect(hungUp!.completed).toBeGreaterThan(0);
  }, 30_000);
});
