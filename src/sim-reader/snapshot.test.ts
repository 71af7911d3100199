import { afterEach, describe, expect, it } from 'vitest';
import { startMiniRig, type MiniRig } from '../../tests/browser/mini-rig.js';
import { initialState, screenOf, step, type ReaderEvent, type ReaderScreen, type ReaderState } from './machine.js';
import { readerProfile } from './profiles/index.js';
import { escapeHtml, screenAsHtml, screenAsText, snapshotOf } from './snapshot.js';

const CERT = Uint8Array.from([0x30, 0x82, 0x00, 0x02, 0xaa, 0xbb]);
const NONCE_B64 = 'AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=';
const run = (state: ReaderState, ...events: ReaderEvent[]): ReaderState => events.reduce((s, e) => step(s, e).state, state);

/** vendor-a draws JIS X 0208 only: 𠮷 and 髙 become ●. */
function consentBulkFor(name: string): ReaderScreen {
  return screenOf(
    run(
      initialState({ readerId: 'r1', profile: readerProfile('vendor-a') }),
      { type: 'link.up' },
      { type: 'card.placed', sessionId: 's1' },
      { type: 'card.read-ok', certificate: CERT, pinTriesLeft: 3, holderName: name },
      { v: 1, type: 'challenge', sessionId: 's1', challengeId: 'c1', nonce: NONCE_B64 },
      { type: 'choose.pin' },
      { type: 'pin.entered', pin: '1234' },
      { type: 'pin.ok', signature: Uint8Array.from([1]) },
      { v: 1, type: 'auth.verdict', sessionId: 's1', accepted: true, checkId: 'k1' },
    ),
  );
}

describe('screenAsText', () => {
  it('screen id, the lines with the ● name, no details on a plain screen', () => {
    const text = screenAsText(consentBulkFor('𠮷田　髙子'));
    expect(text.split('\n')[0]).toBe('[consent-bulk]');
    expect(text).toContain('●田　●子');
    expect(text).not.toContain('𠮷');
  });

  it('details: error code, tries left, previous consent', () => {
    const screen: ReaderScreen = {
      screen: 'consent-carryover',
      message: 'M',
      lines: ['M'],
      previousConsent: { diagnosis: false, pharmacy: true, checkup: true, operation: false },
    };
    expect(screenAsText(screen)).toBe('[consent-carryover]\nM\nprevious consent: 診療情報: 同意しない / 薬剤情報: 同意する / 特定健診情報: 同意する / 手術情報: 同意しない');
    expect(screenAsText({ screen: 'error', message: 'E', lines: ['E'], errorCode: '006' })).toBe('[error]\nE\nerror: 006');
    expect(screenAsText({ screen: 'pin-entry', message: 'P', lines: ['P'], pinAvailable: true, triesLeft: 2 })).toBe('[pin-entry]\nP\ntries left: 2\nPIN: available');
  });
});

describe('screenAsHtml', () => {
  it('escapes every text: markup in a name or message never becomes markup', () => {
    const html = screenAsHtml({ screen: 'done', message: '<b>x</b> & "y"', lines: ["<script>alert('n')</script>", '<b>x</b> & "y"'], name: '<script>' }, '<i>');
    expect(html).not.toContain('<script>');
    expect(html).not.toContain('<b>');
    expect(html).not.toContain('<i>');
    expect(html).toContain('&lt;script&gt;alert(&#39;n&#39;)&lt;/script&gt;');
    expect(html).toContain('&lt;b&gt;x&lt;/b&gt; &amp; &quot;y&quot;');
  });

  it('self-contained: one figure, inline styles, no script, no link, no src', () => {
    const html = screenAsHtml(consentBulkFor('𠮷田　髙子'));
    expect(html.startsWith('<figure data-screen="consent-bulk"')).toBe(true);
    expect(html.endsWith('</figure>')).toBe(true);
    expect(html).not.toMatch(/<script|<link|src=|<style/);
  });

  it('the ● name is in bold on its own line(s)', () => {
    const html = screenAsHtml(consentBulkFor('𠮷田　髙子'));
    expect(html).toContain('●田　●子');
    expect(html).toMatch(/<div style="font-weight:bold;[^"]*">[^<]*●田/);
  });

  it('escapeHtml', () => {
    expect(escapeHtml(`a&b<c>d"e'f`)).toBe('a&amp;b&lt;c&gt;d&quot;e&#39;f');
  });

  it('snapshotOf names seq and event in the caption', () => {
    const s = snapshotOf({ screen: 'idle', message: 'I', lines: ['I'] }, 7, 'card.removed');
    expect(s.text).toBe('[idle]\nI');
    expect(s.html).toContain('#7 after card.removed');
  });
});

describe('SimReader snapshots', () => {
  let rig: MiniRig | undefined;
  afterEach(async () => {
    await rig?.close();
    rig = undefined;
  });

  it('keeps the last N screens in order and calls onSnapshot once per screen change', async () => {
    rig = await startMiniRig({ personas: [{ id: 'taro', name: '𠮷田　髙子', pin: '1234' }], reader: { profile: 'vendor-a', snapshotLimit: 3 } });
    const { reader } = rig;
    const seen: string[] = [];
    const off = reader.onSnapshot((s) => seen.push(`${s.seq}:${s.screen.screen}:${s.event}`));
    await reader.dispatch({ type: 'card.placed', card: rig.cards.get('taro')!, holderName: '𠮷田　髙子' });
    await reader.whenIdle();
    await reader.dispatch({ type: 'choose.pin' });
    await reader.dispatch({ type: 'pin.entered', pin: '1234' });
    await reader.whenIdle();
    off();
    await reader.dispatch({ type: 'consent.agree-all' });
    await reader.whenIdle();
    // reading (card.placed), auth-select (challenge), pin-entry, checking (pin.ok), consent-bulk (verdict)
    expect(seen.map((s) => s.split(':').slice(1).join(':'))).toEqual([
      'reading:card.placed',
      'auth-select:challenge',
      'pin-entry:choose.pin',
      'checking:pin.ok',
      'consent-bulk:auth.verdict',
    ]);
    const last = reader.snapshots();
    expect(last.map((s) => s.screen.screen)).toEqual(['consent-bulk', 'checking', 'done']);
    expect(last[2]!.text).toContain('●田　●子');
    expect(last[2]!.html).toContain('data-screen="done"');
    expect(last.map((s) => s.seq)).toEqual([...last.map((s) => s.seq)].sort((a, b) => a - b));
  });
});
