/**
 * A time-series chart on uPlot (canvas: cheap to redraw every second). Colours are read from the
 * theme's CSS variables and the chart is rebuilt when the theme flips, so it reads well in both.
 */
import { useEffect, useRef, useState, useSyncExternalStore } from 'react';
import type uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { cssVar } from '../lib/theme';
import { TIME_TICK_SPACE, timeAxisLabels, timeLegendLabel } from '../lib/chart-axis';

export interface ChartSeries {
  label: string;
  /** A CSS variable holding the colour, e.g. `--chart-1`. */
  colorVar: string;
  values: (number | null)[];
  /** Fill under the line. */
  fill?: boolean;
}

export interface TimeChartProps {
  /** Epoch milliseconds, ascending. */
  times: number[];
  series: ChartSeries[];
  height?: number;
  /** Screen-reader summary of what the chart shows. */
  label: string;
  formatValue?: (value: number) => string;
  testId?: string;
}

function subscribeTheme(callback: () => void): () => void {
  const observer = new MutationObserver(callback);
  observer.observe(document.documentElement, { attributes: true, attributeFilter: ['data-theme'] });
  return () => observer.disconnect();
}
function themeSnapshot(): string {
  return document.documentElement.dataset.theme ?? 'light';
}

let canvasSupport: boolean | undefined;
function canDraw(): boolean {
  if (canvasSupport === undefined) {
    try {
      canvasSupport = /jsdom/i.test(navigator.userAgent) ? false : Boolean(document.createElement('canvas').getContext('2d'));
    } catch {
      canvasSupport = false;
    }
  }
  return canvasSupport;
}

function withAlpha(color: string, alpha: string): string {
  return /^#[0-9a-f]{6}$/i.test(color) ? `${color}${alpha}` : color;
}

export function TimeChart({ times, series, height = 220, label, formatValue, testId }: TimeChartProps) {
  const host = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const theme = useSyncExternalStore(subscribeTheme, themeSnapshot, themeSnapshot);
  const [width, setWidth] = useState(0);
  const shape = series.map((s) => `${s.label}:${s.colorVar}:${s.fill ? 1 : 0}`).join('|');
  const data = [times.map((t) => t / 1000), ...series.map((s) => s.values)] as uPlot.AlignedData;
  const dataRef = useRef(data);
  dataRef.current = data;

  useEffect(() => {
    const node = host.current;
    if (!node || typeof ResizeObserver !== 'function') return;
    const observer = new ResizeObserver(([entry]) => setWidth(Math.floor(entry?.contentRect.width ?? 0)));
    observer.observe(node);
    return () => observer.disconnect();
  }, []);

  useEffect(() => {
    const node = host.current;
    if (!node || width <= 0 || !canDraw()) return;
    let chart: uPlot | undefined;
    let cancelled = false;
    // Loaded on first use: keeps it out of the first paint (and out of DOM-less tests).
    void import('uplot').then(({ default: UPlot }) => {
      if (cancelled) return;
      chart = build(UPlot, node);
      plot.current = chart;
    });
    return () => {
      cancelled = true;
      chart?.destroy();
      plot.current = null;
    };
    // Rebuilt only when the series set, size or theme changes; data goes through setData.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [shape, width, height, theme]);

  function build(UPlot: typeof uPlot, node: HTMLElement): uPlot {
    const axisColor = cssVar('--text-3');
    const gridColor = cssVar('--chart-grid');
    const fmt = formatValue ?? ((v: number) => String(v));
    const axis: uPlot.Axis = { stroke: axisColor, grid: { stroke: gridColor, width: 1 }, ticks: { stroke: gridColor, width: 1 }, font: '11px system-ui, sans-serif' };
    return new UPlot(
      {
        width,
        height,
        legend: { show: true, live: true },
        cursor: { drag: { x: false, y: false }, points: { size: 6 } },
        scales: { x: { time: true }, y: { range: (_u, _min, max) => [0, Math.max(1, max * 1.15)] } },
        series: [
          { value: (_u: uPlot, v: number | null) => timeLegendLabel(v) },
          ...series.map((s) => {
            const color = cssVar(s.colorVar) || '#5b5bd6';
            return { label: s.label, stroke: color, width: 2, fill: s.fill ? withAlpha(color, '22') : undefined, points: { show: false }, value: (_u: uPlot, v: number | null) => (v == null ? '–' : fmt(v)) };
          }),
        ],
        axes: [
          // One short label per tick, spaced so neighbours never touch however narrow the chart.
          { ...axis, space: TIME_TICK_SPACE, values: (_u, splits, _axis, _space, increment) => timeAxisLabels(splits, increment) },
          { ...axis, size: 56, values: (_u, splits) => splits.map((v) => fmt(v)) },
        ],
      },
      dataRef.current,
      node,
    );
  }

  useEffect(() => {
    plot.current?.setData(data);
  });

  return <div ref={host} className="time-chart" role="img" aria-label={label} data-testid={testId} data-points={times.length} />;
}
