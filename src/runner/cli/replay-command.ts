import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Command } from 'commander';
import { readRecording, RecordingError, type Recording } from '../recording.js';
import { DEFAULT_SUT_TIMEOUT_MS } from '../remote-adapter.js';
import { replayRecording, type ReplayResult } from '../replay.js';
import { EXIT } from './exit-codes.js';
import { httpUrl, nonNegativeInt } from './options.js';
import { adapterFor } from './run-command.js';

async function recordingFiles(paths: string[]): Promise<string[]> {
  const out: string[] = [];
  for (const p of paths) {
    const s = await stat(p).catch(() => undefined);
    if (s?.isDirectory()) out.push(...(await readdir(p)).filter((f) => f.endsWith('.jsonl')).sort().map((f) => join(p, f)));
    else out.push(p);
  }
  return out;
}

const show = (v: unknown): string => (v === undefined ? '(absent)' : JSON.stringify(v));

function report(r: ReplayResult): string[] {
  if (r.error) return [`  ! ${r.id}: ${r.error} (after ${r.sent} message${r.sent === 1 ? '' : 's'})`];
  if (r.differences.length === 0) return [`  ✓ ${r.id}: same outcome${r.replayed ? ` (${String(r.replayed.status)})` : ' (none)'} after ${r.sent} message${r.sent === 1 ? '' : 's'}`];
  return [`  ✗ ${r.id}: the outcome differs`, ...r.differences.map((d) => `      ${d.field}: recorded ${show(d.recorded)}, replayed ${show(d.replayed)}`)];
}

export function addReplayCommand(program: Command, setExit: (code: number) => void): void {
  program
    .command('replay')
    .description('send the reception-link messages of recordings (run --record) to a reception system again and compare its outcomes; exits 1 if one differs')
    .argument('<recordings...>', 'recording files (*.jsonl) or folders of them')
    .option('--sut <url>', 'the reception system to replay against (docs/protocols/sut.md); default: the built-in reference', httpUrl('--sut'))
    .option('--sut-timeout <ms>', 'deadline of each request to the --sut system', nonNegativeInt('--sut-timeout'), DEFAULT_SUT_TIMEOUT_MS)
    .option('--timeout <ms>', 'how long the SUT may take to connect and to ack each message', nonNegativeInt('--timeout'), 5000)
    .action(async (paths: string[], o: { sut?: string; sutTimeout: number; timeout: number }) => {
      const files = await recordingFiles(paths);
      if (files.length === 0) {
        console.error(`myna-rig: replay: no recordings (*.jsonl) in ${paths.join(', ')}; make some with \`myna-rig run --record <dir>\``);
        return setExit(EXIT.USAGE);
      }
      const recordings: Array<{ file: string; recording: Recording }> = [];
      try {
        for (const file of files) recordings.push({ file, recording: await readRecording(file) });
      } catch (e) {
        if (!(e instanceof RecordingError)) throw e;
        console.error(`myna-rig: replay: ${e.message}`);
        return setExit(EXIT.USAGE);
      }
      const sut = await adapterFor(o);
      if (!sut) return setExit(EXIT.USAGE);
      console.log(`myna-rig: replaying ${recordings.length} recording${recordings.length === 1 ? '' : 's'} against ${sut.adapter.name}`);
      let bad = 0;
      for (const { file, recording } of recordings) {
        const r = await replayRecording(recording, file, sut.adapter, { timeoutMs: o.timeout });
        for (const line of report(r)) console.log(line);
        if (r.error || r.differences.length > 0) bad += 1;
      }
      console.log(`${recordings.length - bad} same, ${bad} different`);
      setExit(bad > 0 ? EXIT.FAILED : EXIT.OK);
    });
}
