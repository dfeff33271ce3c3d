import { inflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { BRAND_COLOUR, drawMark, STATUS_COLOURS } from './icon-art';
import { crc32, encodePng } from './png';

/** Reads back what encodePng wrote: chunk CRCs checked, pixels inflated (filter 0 rows). */
function decode(png: Buffer): { width: number; height: number; pixels: Buffer } {
  expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
  let offset = 8;
  let width = 0;
  let height = 0;
  const idat: Buffer[] = [];
  while (offset < png.length) {
    const length = png.readUInt32BE(offset);
    const type = png.toString('ascii', offset + 4, offset + 8);
    const data = png.subarray(offset + 8, offset + 8 + length);
    expect(png.readUInt32BE(offset + 8 + length)).toBe(crc32(png.subarray(offset + 4, offset + 8 + length)));
    if (type === 'IHDR') {
      width = data.readUInt32BE(0);
      height = data.readUInt32BE(4);
      expect([data[8], data[9]]).toEqual([8, 6]);
    }
    if (type === 'IDAT') idat.push(data);
    offset += 12 + length;
  }
  const raw = inflateSync(Buffer.concat(idat));
  const pixels = Buffer.alloc(width * height * 4);
  for (let y = 0; y < height; y++) {
    expect(raw[y * (width * 4 + 1)]).toBe(0);
    raw.copy(pixels, y * width * 4, y * (width * 4 + 1) + 1, (y + 1) * (width * 4 + 1));
  }
  return { width, height, pixels };
}

describe('encodePng', () => {
  it('computes the standard CRC-32', () => {
    expect(crc32(Buffer.from('123456789'))).toBe(0xcbf43926);
  });

  it('round-trips RGBA pixels', () => {
    const pixels = new Uint8Array([255, 0, 0, 255, 0, 255, 0, 128, 0, 0, 255, 0, 10, 20, 30, 40]);
    const decoded = decode(encodePng(2, 2, pixels));
    expect(decoded.width).toBe(2);
    expect(decoded.height).toBe(2);
    expect([...decoded.pixels]).toEqual([...pixels]);
  });

  it('rejects a buffer of the wrong size', () => {
    expect(() => encodePng(2, 2, new Uint8Array(3))).toThrow('expected 16 bytes');
  });
});

describe('status icons', () => {
  it('draw a disc in the status colour with a white gatehouse and transparent corners', () => {
    for (const [status, colour] of Object.entries(STATUS_COLOURS)) {
      const { pixels } = decode(encodePng(32, 32, drawMark(32, colour)));
      const at = (x: number, y: number) => [...pixels.subarray((y * 32 + x) * 4, (y * 32 + x) * 4 + 4)];
      expect(at(0, 0)[3], status).toBe(0);
      expect(at(3, 16), status).toEqual([...colour, 255]);
      expect(at(10, 14), status).toEqual([255, 255, 255, 255]);
    }
  });

  it('differ by status, so the tray look changes with it', () => {
    const icons = Object.values(STATUS_COLOURS).map((colour) => Buffer.from(drawMark(16, colour)).toString('hex'));
    expect(new Set(icons).size).toBe(3);
    expect(drawMark(64, BRAND_COLOUR, 'rounded')[(2 * 64 + 2) * 4 + 3]).toBe(0);
  });
});
