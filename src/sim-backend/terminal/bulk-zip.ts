import { zipSync } from 'fflate';

/**
 * Bulk download results as .zip (oqs-interface.md §1.4: OQSDrug2's bulk client accepts
 * `…02res_*.zip` beside `.xml` and extracts the XML). A terminal setting: with `zip`, every result
 * file of a bulk download kind — 処理中 and error results included, so a client waits for one
 * name only — is `<kind>res_<suffix>.zip` holding one entry, the XML under its `.xml` name.
 */

export type BulkResultFormat = 'xml' | 'zip';

/** The download kinds whose result is one BulkConfirmUnit per patient (the kinds OQSDrug2 reads zipped). */
export const ZIPPABLE_BULK_KINDS: readonly string[] = ['OQSmuquc02', 'OQSmutic02', 'OQSmuhvq02', 'OQSmuonq02'];

/** The result file name of a request kind and suffix under the terminal's format. */
export function resultFileName(kind: string, suffix: string, format: BulkResultFormat): string {
  const zipped = format === 'zip' && ZIPPABLE_BULK_KINDS.includes(kind);
  return `${kind}res_${suffix}.${zipped ? 'zip' : 'xml'}`;
}

/**
 * A zip of one deflated entry `entryName` holding `xml`. The entry's time is the injected clock's
 * (`at`, epoch ms), so the same run writes the same bytes (zip keeps local DOS time: TZ counts).
 */
export function zipResult(entryName: string, xml: Uint8Array, at: number): Buffer {
  const zipped = zipSync({ [entryName]: [xml, { mtime: at }] }, { level: 6 });
  return Buffer.from(zipped.buffer, zipped.byteOffset, zipped.byteLength);
}

/** `OQSmuquc02res_x.zip` → `OQSmuquc02res_x.xml`: the entry inside. */
export function zipEntryName(zipName: string): string {
  return zipName.replace(/\.zip$/, '.xml');
}
