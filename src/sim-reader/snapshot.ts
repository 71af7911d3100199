/**
 * Screen snapshots for reports: the reader's screen as plain text and as a self-contained HTML
 * fragment (inline styles only, every text escaped) that a reporter can embed as it is. Names are
 * shown as the reader draws them — ● for characters outside its repertoire.
 */
import type { ConsentChoices } from '../protocol/consent.js';
import type { ReaderScreen } from './machine.js';

/** One screen the reader showed, in the order shown (runtime: SimReader.snapshots / onSnapshot). */
export interface ScreenSnapshot {
  /** 1, 2, … per reader: the n-th screen change since the reader was made. */
  readonly seq: number;
  /** The event that led to this screen (a patient action, a terminal message, a card result …). */
  readonly event: string;
  readonly screen: ReaderScreen;
  readonly text: string;
  readonly html: string;
}

const CONSENT_LABELS: Readonly<Record<keyof ConsentChoices, string>> = {
  diagnosis: '診療情報',
  pharmacy: '薬剤情報',
  checkup: '特定健診情報',
  operation: '手術情報',
};

function consentSummary(c: ConsentChoices): string {
  return (Object.keys(CONSENT_LABELS) as Array<keyof ConsentChoices>).map((k) => `${CONSENT_LABELS[k]}: ${c[k] ? '同意する' : '同意しない'}`).join(' / ');
}

/** Facts beside the text that a report reader needs (error code, tries left, …), as `key: value`. */
function details(screen: ReaderScreen): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  if (screen.errorCode !== undefined) out.push(['error', screen.errorCode]);
  if (screen.triesLeft !== undefined) out.push(['tries left', String(screen.triesLeft)]);
  if (screen.pinAvailable !== undefined) out.push(['PIN', screen.pinAvailable ? 'available' : 'unavailable']);
  if (screen.faceAvailable !== undefined) out.push(['face', screen.faceAvailable ? 'available' : 'unavailable']);
  if (screen.pinless === true) out.push(['card', 'PIN-less']);
  if (screen.consentItem !== undefined) out.push(['consent item', screen.consentItem]);
  if (screen.faceGuidance !== undefined) out.push(['camera', screen.faceGuidance]);
  if (screen.previousConsent !== undefined) out.push(['previous consent', consentSummary(screen.previousConsent)]);
  if (screen.frozen === true) out.push(['state', 'FROZEN (reboot needed)']);
  return out;
}

/**
 * The screen as text: `[screen-id]`, then the lines the patient sees, then `key: value` details.
 * E.g. "[done]\n山田　太郎　さま\n受付が完了しました。…".
 */
export function screenAsText(screen: ReaderScreen): string {
  return [`[${screen.screen}]`, ...screen.lines, ...details(screen).map(([k, v]) => `${k}: ${v}`)].join('\n');
}

const ESCAPES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
/** Escapes text for HTML element content and quoted attribute values. */
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ESCAPES[c] ?? c);
}

/**
 * The screen as one `<figure>` with inline styles only (no scripts, no external resources), safe
 * to embed in any HTML report. `data-screen` carries the screen id for tests and scripts.
 */
export function screenAsHtml(screen: ReaderScreen, caption?: string): string {
  const nameLines = screen.name !== undefined ? countNameLines(screen) : 0;
  const lines = screen.lines
    .map((line, i) => {
      const style = i < nameLines ? 'font-weight:bold;font-size:1.2em;' : '';
      return `<div style="${style}margin:2px 0;white-space:pre-wrap;text-align:center">${escapeHtml(line)}</div>`;
    })
    .join('');
  const facts = details(screen)
    .map(([k, v]) => `<div><span style="color:#6c757d">${escapeHtml(k)}:</span> ${escapeHtml(v)}</div>`)
    .join('');
  const border = screen.frozen === true ? '3px dashed #dc3545' : '1px solid #adb5bd';
  return (
    `<figure data-screen="${escapeHtml(screen.screen)}" style="margin:8px 0;font-family:sans-serif;max-width:520px">` +
    `<div style="background:#343a40;border-radius:12px;padding:10px">` +
    `<div style="background:#f8f9fa;border:${border};border-radius:6px;padding:12px;font-size:16px;line-height:1.5;color:#212529">${lines}</div></div>` +
    `<figcaption style="font-size:12px;color:#495057;margin-top:4px"><code>${escapeHtml(screen.screen)}</code>${caption !== undefined ? ` — ${escapeHtml(caption)}` : ''}${facts}</figcaption>` +
    `</figure>`
  );
}

/** How many leading lines are the greeting with the name (the rest spell the message). */
function countNameLines(screen: ReaderScreen): number {
  for (let i = 0; i < screen.lines.length; i++) if (screen.lines.slice(i).join('') === screen.message) return i;
  return 0;
}

/** A snapshot of one screen: text and HTML rendered now. */
export function snapshotOf(screen: ReaderScreen, seq: number, event: string): ScreenSnapshot {
  return { seq, event, screen, text: screenAsText(screen), html: screenAsHtml(screen, `#${seq} after ${event}`) };
}
