/** Chart time ticks read as one short line each, so neighbours cannot collide in a small window. */
import { describe, expect, it } from 'vitest';
import { timeAxisLabels, timeLegendLabel } from './chart-axis';

const at = (iso: string) => new Date(iso).getTime() / 1000;

describe('time axis labels', () => {
  it('shows seconds only below a minute, and never the date on a time tick', () => {
    expect(timeAxisLabels([at('2026-12-02T14:06:30'), at('2026-12-02T14:06:45')], 15)).toEqual(['14:06:30', '14:06:45']);
    expect(timeAxisLabels([at('2026-12-02T14:05:00'), at('2026-12-02T14:06:00')], 60)).toEqual(['14:05', '14:06']);
  });

  it('names the day at midnight and for day steps', () => {
    expect(timeAxisLabels([at('2026-12-02T22:00:00'), at('2026-12-03T00:00:00')], 7200)).toEqual(['22:00', '3 Dec']);
    expect(timeAxisLabels([at('2026-12-01T00:00:00'), at('2026-12-02T00:00:00')], 86_400)).toEqual(['1 Dec', '2 Dec']);
  });

  it('keeps every label short (at most 8 characters)', () => {
    const splits = Array.from({ length: 50 }, (_, i) => at('2026-12-02T00:00:00') + i * 3607);
    for (const increment of [1, 30, 60, 3600, 86_400]) for (const label of timeAxisLabels(splits, increment)) expect(label.length).toBeLessThanOrEqual(8);
  });

  it('gives the legend the time to the second', () => {
    expect(timeLegendLabel(at('2026-12-02T09:05:07'))).toBe('2 Dec 09:05:07');
    expect(timeLegendLabel(null)).toBe('–');
  });
});
