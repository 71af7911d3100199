/**
 * BER-TLV helpers for the data files of the 券面事項入力補助AP and the 券面AP: two-byte tags
 * (DF 22, 5F 37, 7F 21 …), definite lengths (81 xx / 82 xx xx for long values), and the
 * "template with an offsets table" layout both APs use (`FF 20 <len> DF 21 <offsets> …`).
 */

/** A TLV with a one- or two-byte tag (tags above FF are written as two bytes). */
export function tlv(tag: number, value: Uint8Array): Uint8Array {
  const tagBytes = tag > 0xff ? [tag >> 8, tag & 0xff] : [tag];
  return Uint8Array.from([...tagBytes, ...berLength(value.length), ...value]);
}

/** BER definite length: 1 byte below 128, else 81 xx or 82 xx xx. */
export function berLength(n: number): number[] {
  if (n < 0x80) return [n];
  if (n < 0x100) return [0x81, n];
  if (n < 0x10000) return [0x82, n >> 8, n & 0xff];
  throw new RangeError(`berLength: ${n} bytes is too long for a card file TLV (at most 65535)`);
}

export function concatBytes(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/**
 * `<outer> <len> <offsetsTag> <2n> <offset of field 1> … <offset of field n> <field 1> … <field n>`:
 * each offset is the big-endian position of that field's TLV from the start of the file (our
 * reading of the DF 21 table, UNCONFIRMED — see text-ap.ts).
 */
export function templateWithOffsets(outerTag: number, offsetsTag: number, fields: readonly Uint8Array[]): Uint8Array {
  const offsetsTlvLength = 2 + 1 + 2 * fields.length; // two-byte tag, one-byte length (n < 64)
  const bodyLength = offsetsTlvLength + fields.reduce((n, f) => n + f.length, 0);
  const header = Uint8Array.from([outerTag >> 8, outerTag & 0xff, ...berLength(bodyLength)]);
  const offsets: number[] = [];
  let at = header.length + offsetsTlvLength;
  for (const f of fields) {
    offsets.push((at >> 8) & 0xff, at & 0xff);
    at += f.length;
  }
  return concatBytes([header, tlv(offsetsTag, Uint8Array.from(offsets)), ...fields]);
}
