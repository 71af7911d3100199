import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { main } from '../../src/runner/cli/main.js';


process.env.MYNA_RIG_WORKERS ??= '1'; // threads are covered by tests/integration/workers.test.ts

/**
 * The HTML report of a real CLI run with one failing and one passing scenario: written whole,
 * failing scenario first; then opened from file:// in Debian's chromium with the network off.
 */
const REPO = process.cwd();
let dir: string;
let reports: string;
let code: number;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'myna-rig-html-'));
  mkdirSync(join(dir, 'scenarios'));
  const source = (name: string): string => readFileSync(join(REPO, 'scenarios/conformance', name), 'utf8');
  // "a-…" sorts first, so the failing scenario is second in file order and must be moved up.
  writeFileSync(join(dir, 'scenarios', 'a-passes.yaml'), source('late-elder-one-tenth.yaml'));
  writeFileSync(join(dir, 'scenarios', 'b-fails.yaml'), source('pin-check-accepted.yaml').replace('copayRatio: 30', 'copayRatio: 20'));
  reports = join(dir, 'reports');
  vi.spyOn(console, 'log').mockImplementation(() => {});
  try {
    code = await main(['node', 'myna-rig', 'run', join(dir, 'scenarios'), '--output', reports, '--reporter', 'html', 'json', '--seed', '5']);
  } finally {
    vi.restoreAllMocks();
  }
}, 60_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('html reporter', () => {
  it('writes reports/index.html whole, with no temp file left behind', () => {
    expect(code).toBe(1);
    expect(readdirSync(reports).sort()).toEqual(['index.html', 'results.json']);
    const html = readFileSync(join(reports, 'index.html'), 'utf8');
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect(html.trimEnd().endsWith('</html>')).toBe(true);
  });

  it('is self-contained: no external scripts, styles or images', () => {
    const html = readFileSync(join(reports, 'index.html'), 'utf8');
    expect(html).not.toMatch(/<script[^>]+src=/);
    expect(html).not.toMatch(/<link[^>]+href=/);
    expect(html).not.toMatch(/https?:\/\//);
  });

  it('puts the failing scenario first with its diff, repro line, timeline and traffic; no PIN', () => {
    const html = readFileSync(join(reports, 'index.html'), 'utf8');
    const failing = html.indexOf('data-id="conformance/pin-check-accepted"');
    const passing = html.indexOf('data-id="conformance/late-elder-one-tenth"');
    expect(failing).toBeGreaterThan(0);
    expect(passing).toBeGreaterThan(failing);
    expect(html).toContain('- expected 20');
    expect(html).toContain('+ actual&nbsp;&nbsp; 30');
    expect(html).toMatch(/npx myna-rig run \S*b-fails\.yaml --id conformance\/pin-check-accepted --seed 5/);
    expect(html).toContain('enter-pin: ****');
    // The reader's own screen snapshot after each step, escaped and styled inline.
    expect(html).toContain('<figure data-screen="pin-entry"');
    expect(html).toContain('<figure data-screen="done"');
    expect(html).toContain('qualification.result');
    expect(html).toContain('POST /v1/card-checks → 200');
    expect(html).not.toContain('"1234"');
  });

  it('opens offline in chromium, shows the failing scenario first, and screenshots', async () => {
    const profile = mkdtempSync(join(tmpdir(), 'myna-rig-chromium-'));
    const context = await chromium.launchPersistentContext(profile, {
      executablePath: '/usr/bin/chromium',
      headless: true,
      offline: true,
      viewport: { width: 1280, height: 900 },
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    try {
      const page = await context.newPage();
      const requested: string[] = [];
      page.on('request', (r) => {
        if (!r.url().startsWith('file:')) requested.push(r.url());
      });
      await page.goto(pathToFileURL(join(reports, 'index.html')).href);
      const first = page.locator('.scenario').first();
      expect(await first.getAttribute('data-id')).toBe('conformance/pin-check-accepted');
      expect(await first.getAttribute('data-status')).toBe('failed');
      expect(await first.locator('.diff').first().isVisible()).toBe(true);
      expect(await first.locator('.repro').isVisible()).toBe(true);
      expect(await page.locator('#summary').innerText()).toMatch(/2\s*scenarios[\s\S]*1\s*passed[\s\S]*1\s*failed/);
      // The filter works without a server: "passed" hides the failing scenario.
      await page.click('button[data-filter="passed"]');
      expect(await first.isVisible()).toBe(false);
      await page.click('button[data-filter="all"]');
      mkdirSync(join(REPO, 'reports/screenshots'), { recursive: true });
      const shot = join(REPO, 'reports/screenshots/report.png');
      await page.screenshot({ path: shot, fullPage: false });
      expect(statSync(shot).size).toBeGreaterThan(10_000);
      expect(requested).toEqual([]);
    } finally {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    }
  }, 60_000);
});
