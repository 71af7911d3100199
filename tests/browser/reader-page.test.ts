/**
 * The reader page in a real browser against a real rig (cards with APDUs, central, terminal):
 * a person places a card, types the PIN on the keypad, agrees on the consent screen and sees
 * the done screen with their name — ● where the vendor-a screen font (JIS X 0208) has no 𠮷.
 */
import { mkdir } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { startReaderPage, type ReaderPage } from '../../src/sim-reader/page-server.js';
import { launchChromium } from './chromium.js';
import { startMiniRig, type MiniRig } from './mini-rig.js';

const SCREENSHOT = 'reports/screenshots/reader-page.png';

let rig: MiniRig;
let readerPage: ReaderPage;
let browser: Awaited<ReturnType<typeof launchChromium>>;
let page: Page;

beforeAll(async () => {
  rig = await startMiniRig({
    personas: [
      { id: 'taro', name: '山田　太郎', pin: '1234' },
      { id: 'kichi', name: '𠮷田　花子', pin: '5678' },
      { id: 'phone', name: '髙橋　一郎', pin: '2468', token: 'android' },
    ],
    reader: { profile: 'vendor-a' },
  });
  readerPage = await startReaderPage({
    reader: rig.reader,
    personas: {
      taro: { label: '山田 太郎 (PIN 1234)', card: () => rig.cards.get('taro')!, name: '山田　太郎' },
      kichi: { label: '𠮷田 花子 (PIN 5678)', card: () => rig.cards.get('kichi')!, name: '𠮷田　花子' },
      phone: { label: '髙橋 一郎 (Android, PIN 2468)', card: () => rig.cards.get('phone')!, name: '髙橋　一郎' },
    },
  });
  browser = await launchChromium();
  page = await browser.context.newPage();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await readerPage?.close();
  await rig?.close();
});

const screenId = (p: Page) => p.getByTestId('screen-id');

describe('reader page in Chromium', () => {
  it('clicks through a PIN check to done and shows the name with ●', async () => {
    await page.goto(readerPage.url);
    await page.waitForSelector('body[data-ready="true"]');
    await expect.poll(() => screenId(page).textContent()).toBe('idle');
    expect(await page.getByTestId('screen').innerText()).toBe('マイナンバーカードを\nカード置き場に置いてください');

    await page.getByTestId('persona').selectOption('kichi');
    await page.getByTestId('place-card').click();
    await expect.poll(() => screenId(page).textContent()).toBe('auth-select');
    expect(await page.getByTestId('choose-face').isEnabled()).toBe(true);

    await page.getByTestId('choose-pin').click();
    await expect.poll(() => screenId(page).textContent()).toBe('pin-entry');
    for (const digit of ['5', '6', '7', '8']) await page.getByTestId(`key-${digit}`).click();
    expect(await page.getByTestId('pin-dots').textContent()).toBe('●●●●');
    await page.getByTestId('pin-ok').click();
    await expect.poll(() => screenId(page).textContent()).toBe('consent-bulk');
    expect(await page.getByTestId('screen').innerText()).toContain('●田　花子　さま');

    await page.getByTestId('consent-agree-all').click();
    await expect.poll(() => screenId(page).textContent()).toBe('done');
    expect(await page.getByTestId('screen').innerText()).toBe('●田　花子　さま\n受付が完了しました\nカードをお取りください');

    await mkdir('reports/screenshots', { recursive: true });
    await page.screenshot({ path: SCREENSHOT, fullPage: true });

    await page.getByTestId('remove-card').click();
    await expect.poll(() => screenId(page).textContent()).toBe('idle');
  });

  it('a wrong PIN shows the tries left; a face mismatch asks again; the server refuses a second card', async () => {
    await page.getByTestId('persona').selectOption('taro');
    await page.getByTestId('place-card').click();
    await expect.poll(() => screenId(page).textContent()).toBe('auth-select');
    await page.getByTestId('choose-pin').click();
    for (const digit of ['0', '0', '0', '0']) await page.getByTestId(`key-${digit}`).click();
    await page.getByTestId('pin-ok').click();
    await expect.poll(() => page.getByTestId('screen').innerText()).toBe('暗証番号が正しくありません\n残り2回');

    const second = await page.request.post(`${readerPage.url}api/actions`, { data: { type: 'place-card', persona: 'kichi' } });
    expect(second.status()).toBe(409);
    expect(await second.json()).toEqual({ error: { code: 'card-present', message: 'a card (taro) is already on the reader; remove it first' } });

    await page.getByTestId('remove-card').click();
    await expect.poll(() => screenId(page).textContent()).toBe('idle');

    await page.getByTestId('place-card').click();
    await expect.poll(() => screenId(page).textContent()).toBe('auth-select');
    await page.getByTestId('choose-face').click();
    await page.getByTestId('face-mismatch').click();
    await expect.poll(() => page.getByTestId('screen').innerText()).toBe('顔認証に失敗しました。もう一度カメラに顔を向けてください');
    await page.getByTestId('face-match').click();
    await expect.poll(() => screenId(page).textContent()).toBe('consent-bulk');
    expect(await page.getByTestId('screen').innerText()).toContain('山田　太郎　さま');
    await page.getByTestId('remove-card').click();
    await expect.poll(() => screenId(page).textContent()).toBe('idle');
  });

  it('an Android phone through the general-purpose reader: OS, smartphone PIN on the keypad, tap, consent with the ● name', async () => {
    await page.getByTestId('choose-phone').click();
    await expect.poll(() => screenId(page).textContent()).toBe('phone-os-select');
    await page.getByTestId('choose-os-android').click();
    await expect.poll(() => screenId(page).textContent()).toBe('phone-pin');
    for (const digit of ['2', '4', '6', '8']) await page.getByTestId(`key-${digit}`).click();
    await page.getByTestId('pin-ok').click();
    await expect.poll(() => screenId(page).textContent()).toBe('phone-wait-tap');
    await page.getByTestId('persona').selectOption('phone');
    await page.getByTestId('tap-phone').click();
    await expect.poll(() => screenId(page).textContent()).toBe('consent-bulk');
    expect(await page.getByTestId('screen').innerText()).toContain('●橋　一郎　さま');
    await page.getByTestId('consent-agree-all').click();
    await expect.poll(() => screenId(page).textContent()).toBe('done');
    await page.getByTestId('remove-card').click();
    await expect.poll(() => screenId(page).textContent()).toBe('idle');
  });

  it('rejects a malformed action with 400 naming the field', async () => {
    const r = await page.request.post(`${readerPage.url}api/actions`, { data: { type: 'face', match: 'yes' } });
    expect(r.status()).toBe(400);
    expect(((await r.json()) as { error: { code: string } }).error.code).toBe('bad-action');
  });
});
