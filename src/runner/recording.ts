import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Reporter } from './reporters/reporter.js';
import type { ScenarioResult } from './results.js';
import { writeFileAtomic } from './reporters/write-atomic.js';

/**
 * `run --record <dir>`: one JSONL file per scenario with the reception link as the SUT saw it —
 * every terminal → reception message as sent, the SUT's answers, and the outcome it reached —
 * so `myna-rig replay` can send the same messages to another system and compare its outcome.
 *
 *   {"kind":"meta","format":"myna-rig-recording","v":1,"id":…,"title":…,"seed":…,"sut":…,"status":…}
 *   {"kind":"send","at":…,"step":…,"message":{…}}        terminal → reception
 *   {"kind":"receive","at":…,"step":…,"message":{…}}     reception → terminal (hello, ack, …)
 *   {"kind":"outcome","outcome":{…}|null}
 */

export const RECORDING_FORMAT = 'myna-rig-recording';

export interface RecordingMeta {
  kind: 'meta';
  format: typeof RECORDING_FORMAT;
  v: 1;
  id: string;
  title: string;
  file: string;
  seed: number;
  sut: string;
  status: ScenarioResult['status'];
}
export interface RecordedMessage {
  kind: 'send' | 'receive';
  at: number;
  step: number;
  message: unknown;
}
export interface RecordedOutcome {
  kind: 'outcome';
  outcome: Record<string, unknown> | null;
}
export type RecordingLine = RecordingMeta | RecordedMessage | RecordedOutcome;

export interface Recording {
  meta: RecordingMeta;
  messages: RecordedMessage[];
  outcome: Record<string, unknown> | null;
}

/** `conformance/pin-check-accepted` → `conformance__pin-check-accepted.jsonl`. */
export const recordingFileName = (id: string): string => `${id.replace(/\//g, '__')}.jsonl`;

export function recordingLines(r: ScenarioResult): RecordingLine[] {
  const meta: RecordingMeta = { kind: 'meta', format: RECORDING_FORMAT, v: 1, id: r.id, title: r.title, file: r.file, seed: r.seed, sut: r.sut, status: r.status };
  const messages = (r.traffic ?? [])
    .filter((t) => (t.from === 'terminal' && t.to === 'reception') || (t.from === 'reception' && t.to === 'terminal'))
    .map((t): RecordedMessage => ({ kind: t.from === 'terminal' ? 'send' : 'receive', at: t.at, step: t.step, message: t.message }));
  return [meta, ...messages, { kind: 'outcome', outcome: r.outcome ?? null }];
}

export function recordingReporter(dir: string): Reporter {
  return {
    async onScenarioEnd(r) {
      await writeFileAtomic(join(dir, recordingFileName(r.id)), `${recordingLines(r).map((l) => JSON.stringify(l)).join('\n')}\n`);
    },
  };
}

export class RecordingError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RecordingError';
  }
}

export function parseRecording(text: string, file: string): Recording {
  let meta: RecordingMeta | undefined;
  let outcome: Record<string, unknown> | null | undefined;
  const messages: RecordedMessage[] = [];
  text.split('\n').forEach((raw, i) => {
    if (raw.trim() === '') return;
    let line: RecordingLine;
    try {
      line = JSON.parse(raw) as RecordingLine;
    } catch (e) {
      throw new RecordingError(`${file}:${i + 1}: not JSON (${(e as Error).message})`);
    }
    if (i === 0) {
      if (line.kind !== 'meta' || line.format !== RECORDING_FORMAT) throw new RecordingError(`${file}:1: not a myna-rig recording (the first line must be {"kind":"meta","format":"${RECORDING_FORMAT}",…}); make one with \`myna-rig run --record <dir>\``);
      meta = line;
    } else if (line.kind === 'send' || line.kind === 'receive') messages.push(line);
    else if (line.kind === 'outcome') outcome = line.outcome;
    else throw new RecordingError(`${file}:${i + 1}: unknown line kind ${JSON.stringify((line as { kind?: unknown }).kind)}; expected send, receive or outcome`);
  });
  if (!meta) throw new RecordingError(`${file}: empty; make a recording with \`myna-rig run --record <dir>\``);
  if (outcome === undefined) throw new RecordingError(`${file}: no {"kind":"outcome"} line: the recording is cut short`);
  return { meta, messages, outcome };
}

export async function readRecording(file: string): Promise<Recording> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    throw new RecordingError(`${file}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}`);
  }
  return parseRecording(text, file);
}
