import { describe, expect, it } from 'vitest';
import { screenFromRecord, screenSnapshotHtml } from './screen-snapshot.js';

describe('reader screen snapshot in the HTML report', () => {
  it('draws the recorded screen as the reader\'s figure, with its error code', () => {
    const html = screenSnapshotHtml({ screen: 'error', message: 'カードを読み取れませんでした', lines: ['カードを読み取れませんでした'], errorCode: '001' });
    expect(html).toContain('<figure data-screen="error"');
    expect(html).toContain('カードを読み取れませんでした');
    expect(html).toContain('error:</span> 001');
  });

  it('escapes every text of a record made elsewhere (a hostile results.json)', () => {
    const html = screenSnapshotHtml({ screen: '"><script>alert(1)</script>', message: 'x', lines: ['<img src=x onerror=alert(1)>'], errorCode: '<b>' });
    expect(html).not.toContain('<script>');
    expect(html).not.toContain('<img');
    expect(html).not.toContain('<b>');
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
  });

  it('drops fields of the wrong type and gives up without a screen id', () => {
    expect(screenFromRecord({ screen: 'pin-entry', lines: ['暗証番号', 7], triesLeft: '2', pinAvailable: 'yes' })).toEqual({
      screen: 'pin-entry',
      message: '暗証番号',
      lines: ['暗証番号'],
    });
    expect(screenFromRecord({ lines: ['x'] })).toBeUndefined();
    expect(screenSnapshotHtml(undefined)).toBeUndefined();
  });
});
