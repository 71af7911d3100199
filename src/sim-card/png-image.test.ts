import { crc32 as zlibCrc32, inflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { toHex } from '../protocol/apdu.js';
import { crc32, generatedPng } from './png-image.js';

describe('generated PNG images', () => {
  it('starts with the PNG signature and an IHDR of the asked size, 8-bit greyscale', () => {
    const png = generatedPng('photo A', 24, 30);
    expect(toHex(png.subarray(0, 8))).toBe('89 50 4E 47 0D 0A 1A 0A');
    // IHDR: length 13, "IHDR", width 24, height 30, depth 8, colour 0, compression 0, filter 0, interlace 0
    expect(toHex(png.subarray(8, 29))).toBe('00 00 00 0D 49 48 44 52 00 00 00 18 00 00 00 1E 08 00 00 00 00');
    expect(toHex(png.subarray(png.length - 12))).toBe('00 00 00 00 49 45 4E 44 AE 42 60 82');
  });

  it('every chunk CRC matches zlib, and IDAT inflates to height × (1 + width) bytes', () => {
    const png = generatedPng('name B', 48, 8);
    const view = new DataView(png.buffer, png.byteOffset);
    let at = 8;
    let idat: Uint8Array | undefined;
    while (at < png.length) {
      const length = view.getUint32(at);
      const typeAndData = png.subarray(at + 4, at + 8 + length);
      expect(view.getUint32(at + 8 + length)).toBe(zlibCrc32(typeAndData));
      if (String.fromCharCode(...typeAndData.subarray(0, 4)) === 'IDAT') idat = typeAndData.subarray(4);
      at += 12 + length;
    }
    expect(at).toBe(png.length);
    expect(inflateSync(idat!).length).toBe(8 * 49);
  });

  it('is the same for the same seed and differs for another', () => {
    expect(toHex(generatedPng('x', 8, 8))).toBe(toHex(generatedPng('x', 8, 8)));
    expect(toHex(generatedPng('x', 8, 8))).not.toBe(toHex(generatedPng('y', 8, 8)));
  });

  it('crc32 of "123456789" is CBF43926 (the standard check value)', () => {
    expect(crc32(new TextEncoder().encode('123456789'))).toBe(0xcbf43926);
  });

  it('refuses a size of 0', () => {
    expect(() => generatedPng('x', 0, 8)).toThrow(/width and height must be whole numbers 1–1024, received 0×8/);
  });
});
