/**
 * Time-axis labels for the charts: one short line per tick (24-hour clock, as in the traffic
 * table), never uPlot's default two-line "12/2/26 2:05pm" that collides with its neighbours in a
 * small window. With TIME_TICK_SPACE between ticks, the longest label ("14:06:30") leaves a gap.
 */

/** Minimum pixels between two time ticks (uPlot's `space`); labels are at most ~52 px at 11 px. */
export const TIME_TICK_SPACE = 72;

const pad = (n: number) => String(n).padStart(2, '0');
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

function dayLabel(date: Date): string {
  return `${date.getDate()} ${MONTHS[date.getMonth()]}`;
}

/**
 * Labels for ticks at `splits` (epoch seconds) `increment` seconds apart: "2 Dec" for days,
 * "14:06" for minutes and hours (midnight shows the new day instead of "00:00"), "14:06:30"
 * below a minute.
 */
export function timeAxisLabels(splits: readonly number[], increment: number): string[] {
  return splits.map((seconds) => {
    const date = new Date(seconds * 1000);
    if (increment >= 86_400) return dayLabel(date);
    const hm = `${pad(date.getHours())}:${pad(date.getMinutes())}`;
    if (increment >= 60) return date.getHours() === 0 && date.getMinutes() === 0 ? dayLabel(date) : hm;
    return `${hm}:${pad(date.getSeconds())}`;
  });
}

/** The legend's time: what the cursor points at, to the second. */
export function timeLegendLabel(seconds: number | null): string {
  if (seconds == null) return '–';
  const date = new Date(seconds * 1000);
  return `${dayLabel(date)} ${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}`;
}
