import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { MINI_READER_ID, startMiniRig, type MiniRig } from '../../tests/browser/mini-rig.js';
import { startReaderPage, type PageSnapshot, type ReaderPage } from './page-server.js';

let rig: MiniRig | undefined;
let page: ReaderPage | undefined;
afterEach(async () => {
  await page?.close();
  await rig?.close();
  page = undefined;
  rig = undefined;
});

function nextSnapshot(ws: WebSocket): Promise<PageSnapshot> {
  return new Promise((resolve) => ws.once('message', (data) => resolve(JSON.parse(String(data)) as PageSnapshot)));
}

describe('reader page server', () => {
  it('serves the page, pushes snapshots over /ws (also for changes from the terminal), runs actions', async () => {
    rig = await startMiniRig({ personas: [{ id: 'taro', name: '渡辺', pin: '1234' }], reader: { profile: 'vendor-c' } });
    const r = rig;
    page = await startReaderPage({ reader: r.reader, personas: { taro: { label: '渡辺 (PIN 1234)', card: () => r.cards.get('taro')!, name: '渡辺' } } });
    expect(page.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);

    const html = await fetch(page.url);
    expect(html.headers.get('content-type')).toContain('text/html');
    expect(await html.text()).toContain('<title>顔認証付きカードリーダー (myna-rig)</title>');

    const ws = new WebSocket(page.url.replace('http', 'ws') + 'ws');
    const first = await nextSnapshot(ws);
    expect(first).toEqual({
      screen: { screen: 'idle', message: 'カードを置いてください', lines: ['カードを置いてください'] },
      nameLineCount: 0,
      cardOn: null,
      profile: { id: 'vendor-c', label: 'Vendor C (name split across the honorific, JIS X 0208 screen)', quirks: r.reader.profile.quirks },
      personas: [{ id: 'taro', label: '渡辺 (PIN 1234)' }],
    });

    const pushed = nextSnapshot(ws);
    r.terminal.setVisualMode(MINI_READER_ID, true);
    expect((await pushed).screen.screen).toBe('idle-visual');
    r.terminal.setVisualMode(MINI_READER_ID, false);
    await r.reader.sync();

    const post = (action: unknown) =>
      fetch(`${page!.url}api/actions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(action) }).then(
        async (res) => ({ status: res.status, body: (await res.json()) as PageSnapshot }),
      );
    expect((await post({ type: 'place-card', persona: 'taro' })).body.screen.screen).toBe('auth-select');
    await post({ type: 'choose', method: 'pin' });
    expect((await post({ type: 'pin', pin: '1234' })).body.screen.screen).toBe('consent-bulk');
    const done = (await post({ type: 'consent-all' })).body;
    expect(done.screen.lines).toEqual(['～さま渡', '辺～さま', '受付完了', 'カードを取り出して、待合室でお待ちください']);
    expect(done.nameLineCount).toBe(2);
    expect(done.cardOn).toBe('taro');
    expect((await post({ type: 'remove-card' })).body).toMatchObject({ cardOn: null, screen: { screen: 'idle' } });

    const unknown = await post({ type: 'place-card', persona: 'nobody' });
    expect(unknown).toEqual({ status: 400, body: { error: { code: 'unknown-persona', message: 'no persona "nobody"; known: taro' } } });
    ws.close();
  });
  it('face model actions: guidance, another persona, then the holder', async () => {
    rig = await startMiniRig({ personas: [{ id: 'taro', name: '山田', pin: '1234' }] });
    const r = rig;
    page = await startReaderPage({ reader: r.reader, personas: { taro: { label: '山田', card: () => r.cards.get('taro')!, name: '山田' } } });
    const post = (action: unknown) =>
      fetch(`${page!.url}api/actions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(action) }).then(
        async (res) => (await res.json()) as PageSnapshot,
      );
    await post({ type: 'place-card', persona: 'taro' });
    await post({ type: 'choose', method: 'face' });
    expect((await post({ type: 'face-quality', quality: 'too-close' })).screen).toMatchObject({ screen: 'face-capture', faceGuidance: 'too-close' });
    expect((await post({ type: 'present-face', persona: 'hanako' })).screen.message).toBe('顔認証に失敗しました。もう一度カメラに顔を向けてください');
    expect((await post({ type: 'present-face', persona: 'taro' })).screen.screen).toBe('consent-bulk');
    expect((await post({ type: 'ack' })).screen.screen).toBe('consent-bulk');
  });

  it('smartphone actions (Android), then the last screens from /api/snapshots', async () => {
    rig = await startMiniRig({ personas: [{ id: 'hanako', name: '佐藤　花子', pin: '2468', token: 'android' }] });
    const r = rig;
    page = await startReaderPage({ reader: r.reader, personas: { hanako: { label: '佐藤 (Android)', card: () => r.cards.get('hanako')!, name: '佐藤　花子' } } });
    const post = (action: unknown) =>
      fetch(`${page!.url}api/actions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(action) }).then(
        async (res) => (await res.json()) as PageSnapshot,
      );
    expect((await post({ type: 'choose-phone' })).screen.screen).toBe('phone-os-select');
    expect((await post({ type: 'choose-os', os: 'android' })).screen.screen).toBe('phone-pin');
    expect((await post({ type: 'pin', pin: '2468' })).screen.screen).toBe('phone-wait-tap');
    const tapped = await post({ type: 'tap-phone', persona: 'hanako' });
    expect(tapped).toMatchObject({ cardOn: 'hanako', screen: { screen: 'consent-bulk', name: '佐藤　花子' } });
    const snaps = (await (await fetch(`${page.url}api/snapshots`)).json()) as Array<{ seq: number; event: string; text: string; html: string }>;
    expect(snaps.map((s) => s.event)).toEqual(['link.up', 'choose.phone', 'choose.os', 'pin.entered', 'phone.tapped', 'pin.ok', 'auth.verdict']);
    expect(snaps.at(-1)!.text.split('\n')[0]).toBe('[consent-bulk]');
    expect(snaps.at(-1)!.html).toContain('data-screen="consent-bulk"');
  });
});
