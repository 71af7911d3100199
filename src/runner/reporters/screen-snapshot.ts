import { screenAsHtml, type ReaderScreen } from '../../sim-reader/index.js';

/**
 * The reader screen recorded after a step, drawn as the reader's own HTML snapshot for the
 * report. The record may come from a results.json written elsewhere (merged shards, a replay),
 * so it is rebuilt field by field with checked types before rendering: whatever is odd is left
 * out, and screenAsHtml escapes every text it draws.
 */
export function screenFromRecord(record: Record<string, unknown> | undefined): ReaderScreen | undefined {
  if (!record || typeof record.screen !== 'string') return undefined;
  const lines = Array.isArray(record.lines) ? record.lines.filter((l): l is string => typeof l === 'string') : [];
  const message = typeof record.message === 'string' ? record.message : lines.join('');
  const screen: ReaderScreen = { screen: record.screen as ReaderScreen['screen'], message, lines };
  const str = (k: 'name' | 'errorCode'): void => {
    if (typeof record[k] === 'string') screen[k] = record[k];
  };
  str('name');
  str('errorCode');
  if (typeof record.pinAvailable === 'boolean') screen.pinAvailable = record.pinAvailable;
  if (typeof record.faceAvailable === 'boolean') screen.faceAvailable = record.faceAvailable;
  if (record.pinless === true) screen.pinless = true;
  if (record.frozen === true) screen.frozen = true;
  if (typeof record.triesLeft === 'number' && Number.isFinite(record.triesLeft)) screen.triesLeft = record.triesLeft;
  if (typeof record.consentItem === 'string') screen.consentItem = record.consentItem as NonNullable<ReaderScreen['consentItem']>;
  if (typeof record.faceGuidance === 'string') screen.faceGuidance = record.faceGuidance as NonNullable<ReaderScreen['faceGuidance']>;
  const prev = record.previousConsent;
  if (prev !== null && typeof prev === 'object') {
    const p = prev as Record<string, unknown>;
    if (['diagnosis', 'pharmacy', 'checkup', 'operation'].every((k) => typeof p[k] === 'boolean')) {
      screen.previousConsent = { diagnosis: p.diagnosis as boolean, pharmacy: p.pharmacy as boolean, checkup: p.checkup as boolean, operation: p.operation as boolean };
    }
  }
  return screen;
}

/** The step's reader screen as an embeddable `<figure>`, or undefined when none was recorded. */
export function screenSnapshotHtml(record: Record<string, unknown> | undefined): string | undefined {
  const screen = screenFromRecord(record);
  return screen === undefined ? undefined : screenAsHtml(screen);
}
