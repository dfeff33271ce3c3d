/**
 * The Gatehouse mark drawn in code: a white gatehouse (tower with an arched gate) on a disc whose colour is the
 * status (tray) or on a rounded square (app icon). Supersampled for smooth edges at 16 px.
 */
import type { TrayStatus } from './tray-menu';

export type Rgb = readonly [number, number, number];

export const STATUS_COLOURS: Record<TrayStatus, Rgb> = {
  ok: [47, 158, 99],
  alert: [224, 160, 32],
  down: [214, 69, 69],
};
export const BRAND_COLOUR: Rgb = [43, 91, 215];

const SAMPLES = 4;

/** Whether (x, y), in unit coordinates, is on the white gatehouse: a crenellated tower with an arched gate. */
function inGate(x: number, y: number): boolean {
  if (x < 0.25 || x > 0.75 || y < 0.22 || y > 0.76) return false;
  if (y < 0.33) return [0.25, 0.45, 0.65].some((left) => x >= left && x <= left + 0.1); // merlons
  const inDoor = Math.abs(x - 0.5) <= 0.1 && (y >= 0.54 || (x - 0.5) ** 2 + (y - 0.54) ** 2 <= 0.1 ** 2);
  return !inDoor;
}

function inBackground(x: number, y: number, shape: 'disc' | 'rounded'): boolean {
  if (shape === 'disc') return (x - 0.5) ** 2 + (y - 0.5) ** 2 <= 0.48 ** 2;
  const radius = 0.2;
  const margin = 0.04;
  const cx = Math.min(Math.max(x, margin + radius), 1 - margin - radius);
  const cy = Math.min(Math.max(y, margin + radius), 1 - margin - radius);
  return (x - cx) ** 2 + (y - cy) ** 2 <= radius ** 2 && x >= margin && x <= 1 - margin && y >= margin && y <= 1 - margin;
}

/** Straight (non-premultiplied) RGBA pixels, size × size. */
export function drawMark(size: number, colour: Rgb, shape: 'disc' | 'rounded' = 'disc'): Uint8Array {
  const pixels = new Uint8Array(size * size * 4);
  for (let py = 0; py < size; py++) {
    for (let px = 0; px < size; px++) {
      let background = 0;
      let white = 0;
      for (let sy = 0; sy < SAMPLES; sy++) {
        for (let sx = 0; sx < SAMPLES; sx++) {
          const x = (px + (sx + 0.5) / SAMPLES) / size;
          const y = (py + (sy + 0.5) / SAMPLES) / size;
          if (!inBackground(x, y, shape)) continue;
          if (inGate(x, y)) white++;
          else background++;
        }
      }
      const covered = background + white;
      const offset = (py * size + px) * 4;
      if (covered === 0) continue;
      const mix = (channel: number) => Math.round((colour[channel]! * background + 255 * white) / covered);
      pixels[offset] = mix(0);
      pixels[offset + 1] = mix(1);
      pixels[offset + 2] = mix(2);
      pixels[offset + 3] = Math.round((255 * covered) / (SAMPLES * SAMPLES));
    }
  }
  return pixels;
}
