/**
 * The vpcd bridge against the real pcscd + vsmartcard-vpcd (Debian packages, unmodified):
 * - a destroyed chip looks to PC/SC like a mute card in a physical reader: inserted, but
 *   unresponsive ("Card inserted, Unresponsive card" in pcsc_scan; OpenSC cannot connect);
 * - when pcscd restarts, the bridge connects again by itself and the card is usable again.
 *
 * Needs root (pcscd) and the packages; MYNA_RIG_SKIP_INTEROP=1 skips. The pcscd restart is only
 * tested when this file started pcscd itself (it never stops a pcscd it did not start).
 */
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMyNumberCard } from '../../src/sim-card/create-card.js';
import { createSimulatedJlis, type SimulatedJlis } from '../../src/sim-card/jlis-ca.js';
import { connectToVpcd, type VpcdBridge } from '../../src/sim-card/vpcd-bridge.js';
import { acquirePcscLock, ensurePcscd, missingPrograms, portOpen, run, VPCD_PORT, waitFor, type Pcscd } from './pcsc-env.js';

const SKIP = process.env['MYNA_RIG_SKIP_INTEROP'] === '1';
const PCSC_SCAN = '/usr/bin/pcsc_scan';

let pcscd: Pcscd | undefined;
let releaseLock: (() => void) | undefined;
let jlis: SimulatedJlis;
const bridges: VpcdBridge[] = [];

async function readerList(): Promise<string> {
  return (await run('/usr/bin/opensc-tool', ['-l'], { timeoutMs: 5000 })).stdout;
}

const cardIn = async (): Promise<boolean> => /^0\s+Yes\s+Virtual PCD 00 00/m.test(await readerList());
const cardOut = async (): Promise<boolean> => /^0\s+No\s+Virtual PCD 00 00/m.test(await readerList());

describe.skipIf(SKIP)('vpcd bridge with the real pcscd', () => {
  beforeAll(async () => {
    const missing = missingPrograms();
    if (missing.length > 0) {
      throw new Error(`interop: missing ${missing.join(', ')}; apt-get install -y pcscd vsmartcard-vpcd opensc pcsc-tools (or MYNA_RIG_SKIP_INTEROP=1)`);
    }
    jlis = await createSimulatedJlis();
    releaseLock = await acquirePcscLock();
    pcscd = await ensurePcscd();
  }, 240_000);

  afterAll(async () => {
    for (const b of bridges.splice(0)) await b.close();
    await pcscd?.stop();
    releaseLock?.();
  });

  it('a destroyed chip is inserted but unresponsive, as a mute card is in a physical reader', async () => {
    const card = await createMyNumberCard({ jlis, authPin: '1234', issuedOn: '2025-04-01', keyLabel: 'interop-card', state: 'destroyed' });
    const bridge = connectToVpcd({ card, port: VPCD_PORT });
    bridges.push(bridge);
    await bridge.connected;
    await waitFor('the mute card to show as inserted in "Virtual PCD 00 00"', cardIn, 10_000);
    const connect = await run('/usr/bin/opensc-tool', ['-n'], { env: { OPENSC_DRIVER: 'jpki' } });
    expect(connect.code).not.toBe(0);
    expect(connect.stdout + connect.stderr).toMatch(/Failed to connect to card: Unresponsive card/);
    if (existsSync(PCSC_SCAN)) {
      // pcsc_scan watches for ever: stop it after 3 s, the first state report is enough.
      const scan = await run('/usr/bin/timeout', ['3', PCSC_SCAN], { timeoutMs: 10_000 });
      expect(scan.stdout).toMatch(/Reader 0: Virtual PCD 00 00\s+Event number: \d+\s+Card state: Card inserted, Unresponsive card/);
    }
    // Still inserted afterwards: vpcd did not drop the connection.
    expect(await cardIn()).toBe(true);
    await bridge.close();
    bridges.splice(bridges.indexOf(bridge), 1);
    await waitFor('the reader to be empty after the bridge closed', cardOut, 10_000);
  }, 60_000);

  it('connects again when pcscd restarts, and the card answers as before', async (ctx) => {
    if (!pcscd?.started) ctx.skip(); // a pcscd this test did not start is not this test's to stop
    const card = await createMyNumberCard({ jlis, authPin: '1234', issuedOn: '2025-04-01', keyLabel: 'interop-card' });
    const lines: string[] = [];
    const bridge = connectToVpcd({ card, port: VPCD_PORT, backoffMs: { initial: 50, max: 500 }, onLog: (l) => lines.push(l) });
    bridges.push(bridge);
    await bridge.connected;
    await waitFor('the card to appear in "Virtual PCD 00 00"', cardIn, 10_000);

    await pcscd!.stop();
    await waitFor('vpcd port 35963 to close', async () => !(await portOpen(VPCD_PORT)), 10_000);
    await waitFor('the bridge to see the connection lost', () => Promise.resolve(lines.includes('disconnected from vpcd (card removed)')), 10_000);

    pcscd = await ensurePcscd();
    await waitFor('the bridge to connect to the new pcscd', () => Promise.resolve(lines.filter((l) => l.startsWith('connected to vpcd')).length === 2), 15_000);
    await waitFor('the card to appear again', cardIn, 15_000);
    const name = await run('/usr/bin/opensc-tool', ['-n'], { env: { OPENSC_DRIVER: 'jpki' } });
    expect(name.stdout).toMatch(/^jpki$/m);
  }, 90_000);
});
