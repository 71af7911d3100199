import { describe, expect, it } from 'vitest';
import { builtIn, CliFixture } from './cli-fixture.js';

/**
 * The traffic of a run holds every APDU between the reader and the card (named, PIN masked) and
 * each scenario carries the result XML the terminal wrote to face/, shown as sent in the HTML.
 */
interface Traffic {
  from: string;
  to: string;
  label: string;
  step: number;
  message: { command?: string };
  response?: { sw?: string };
}
interface Results {
  scenarios: Array<{ traffic: Traffic[]; resultFiles?: Array<{ folder: string; name: string; bytes: number; encoding: string; text: string; step: number }>; steps: Array<{ step: string; screen?: { lines?: string[] } }> }>;
}

describe('APDUs and result files in reports', () => {
  it('a PIN check logs SELECT / READ BINARY / VERIFY (masked) / signature APDUs and the face/ result XML', async () => {
    const fx = new CliFixture().write({ 'scenarios/pin.yaml': builtIn('pin-check-accepted.yaml') });
    const r = await fx.run('run', 'scenarios', '--reporter', 'json', 'html', '--seed', '3');
    expect(r.code).toBe(0);
    const results = fx.json<Results>('reports/results.json');
    const s = results.scenarios[0]!;
    const apdus = s.traffic.filter((t) => t.to === 'card');
    const labels = apdus.map((t) => t.label);
    expect(labels).toContain('APDU SELECT JPKI AP → 90 00 OK');
    expect(labels).toContain('APDU SELECT EF 000A → 90 00 OK');
    expect(labels.some((l) => l.startsWith('APDU READ BINARY offset 0000 → 90 00 OK'))).toBe(true);
    expect(labels).toContain('APDU VERIFY → 90 00 OK');
    expect(labels).toContain('APDU COMPUTE DIGITAL SIGNATURE → 90 00 OK');
    const verify = apdus.find((t) => t.label === 'APDU VERIFY → 90 00 OK')!;
    expect(verify.message.command).toBe('00 20 00 80 04 ** ** ** **');
    // The PIN 1234 is 31 32 33 34 in ASCII: nowhere in the report.
    const raw = fx.read('reports/results.json');
    expect(raw).not.toContain('31 32 33 34');
    expect(fx.read('reports/index.html')).not.toContain('31 32 33 34');

    expect(s.resultFiles).toHaveLength(1);
    const file = s.resultFiles![0]!;
    expect(file.folder).toBe('face');
    expect(file.encoding).toBe('utf8');
    expect(file.name).toMatch(/\.xml$/);
    expect(file.bytes).toBe(Buffer.byteLength(file.text, 'utf8'));
    expect(file.text).toMatch(/^<\?xml version="1\.0" encoding="UTF-8"/);
    expect(file.text).toContain('<CharacterCodeIdentifier>0</CharacterCodeIdentifier>');
    expect(file.step).toBeGreaterThanOrEqual(0);
    const html = fx.read('reports/index.html');
    expect(html).toContain('result XML as the terminal wrote it');
    expect(html).toContain(`<code>face/${file.name}</code>`);
    expect(html).toContain('&lt;CharacterCodeIdentifier&gt;0&lt;/CharacterCodeIdentifier&gt;');
    expect(html).toContain('APDU VERIFY → 90 00 OK');
  }, 60_000);

  it('a wrong PIN shows 63 Cx with the tries left', async () => {
    const fx = new CliFixture().write({ 'scenarios/lock.yaml': builtIn('pin-locked-offer-face.yaml') });
    const r = await fx.run('run', 'scenarios', '--reporter', 'json');
    expect(r.code).toBe(0);
    const labels = fx.json<Results>('reports/results.json').scenarios[0]!.traffic.map((t) => t.label);
    expect(labels.some((l) => /^APDU VERIFY → 63 C[0-2] wrong PIN, [0-2] tries left$/.test(l))).toBe(true);
  }, 60_000);
});
