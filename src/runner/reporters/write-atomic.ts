import { mkdir, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { threadId } from 'node:worker_threads';

let writes = 0;

/**
 * Writes a report via a temp file and a rename, so a reader never sees half a report. The temp
 * name is unique per call (process, thread, counter): two writes of one path at once must not
 * share a temp file, or one rename fails.
 */
export async function writeFileAtomic(path: string, content: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  writes += 1;
  const tmp = `${path}.${process.pid}-${threadId}-${writes}.tmp`;
  await writeFile(tmp, content, 'utf8');
  await rename(tmp, path);
}
