/**
 * The request log, virtualised: only the rows in view (plus a few) exist in the DOM, so 10,000
 * entries cost the same as 30. New entries arriving at the top do not move what you are
 * reading when you have scrolled down (the view stays anchored to its first visible row).
 */
import { memo, useLayoutEffect, useRef, useState, type KeyboardEvent } from 'react';
import type { TrafficEntry } from '../../../../shared/contract/telemetry-models';
import { formatMs, formatTime, statusTone } from '../../lib/format';
import { requestTarget } from '../../lib/har';

export const ROW_HEIGHT = 34;
const OVERSCAN = 8;

export interface TrafficListProps {
  entries: TrafficEntry[];
  selectedId?: string;
  onSelect(entry: TrafficEntry): void;
  /** Used until the real height is measured (and in tests, where layout is zero). */
  fallbackHeight?: number;
}

const Row = memo(function Row({ entry, index, selected, onSelect }: { entry: TrafficEntry; index: number; selected: boolean; onSelect(entry: TrafficEntry): void }) {
  const tone = statusTone(entry.status);
  return (
    <div
      role="row"
      aria-rowindex={index + 2}
      aria-selected={selected}
      className={`traffic-row ${selected ? 'traffic-row-selected' : ''} ${entry.status >= 400 ? 'traffic-row-error' : ''}`}
      style={{ transform: `translateY(${index * ROW_HEIGHT}px)` }}
      onClick={() => onSelect(entry)}
      data-testid="traffic-row"
    >
      <span role="cell" className="tc-time mono">{formatTime(entry.at)}</span>
      <span role="cell" className={`tc-status status-${tone}`}>{entry.status}</span>
      <span role="cell" className="tc-method mono">{entry.method}</span>
      <span role="cell" className="tc-path mono" title={requestTarget(entry)}>{requestTarget(entry)}</span>
      <span role="cell" className="tc-api">{entry.apiName ?? (entry.apiId ? entry.apiId : '—')}</span>
      <span role="cell" className="tc-client mono">{entry.clientId ?? ''}</span>
      <span role="cell" className="tc-policy">{entry.violatedPolicy ?? entry.errorCode ?? ''}</span>
      <span role="cell" className="tc-latency num">{formatMs(entry.latencyMs)}</span>
    </div>
  );
});

export function TrafficList({ entries, selectedId, onSelect, fallbackHeight = 600 }: TrafficListProps) {
  const viewport = useRef<HTMLDivElement>(null);
  const [scrollTop, setScrollTop] = useState(0);
  const [height, setHeight] = useState(0);
  const anchor = useRef<{ id: string; offset: number } | null>(null);

  useLayoutEffect(() => {
    const node = viewport.current;
    if (!node || typeof ResizeObserver !== 'function') return;
    const observer = new ResizeObserver(([entry]) => setHeight(entry?.contentRect.height ?? 0));
    observer.observe(node);
    return () => observer.disconnect();
  }, []);

  // Keep the first visible row in place when rows are added above it.
  useLayoutEffect(() => {
    const node = viewport.current;
    const held = anchor.current;
    if (!node || !held || node.scrollTop <= 0) return;
    const index = entries.findIndex((entry) => entry.id === held.id);
    if (index < 0) return;
    const target = index * ROW_HEIGHT + held.offset;
    if (Math.abs(target - node.scrollTop) >= 1) {
      node.scrollTop = target;
      setScrollTop(target);
    }
  }, [entries]);

  const viewHeight = height || fallbackHeight;
  const first = Math.max(0, Math.floor(scrollTop / ROW_HEIGHT) - OVERSCAN);
  const last = Math.min(entries.length, Math.ceil((scrollTop + viewHeight) / ROW_HEIGHT) + OVERSCAN);
  const visible = entries.slice(first, last);

  function onScroll() {
    const node = viewport.current;
    if (!node) return;
    setScrollTop(node.scrollTop);
    const top = Math.floor(node.scrollTop / ROW_HEIGHT);
    const entry = entries[top];
    anchor.current = entry ? { id: entry.id, offset: node.scrollTop - top * ROW_HEIGHT } : null;
  }

  function onKeyDown(event: KeyboardEvent) {
    if (event.key !== 'ArrowDown' && event.key !== 'ArrowUp' && event.key !== 'Home' && event.key !== 'End') return;
    event.preventDefault();
    const current = entries.findIndex((entry) => entry.id === selectedId);
    const next = event.key === 'Home' ? 0 : event.key === 'End' ? entries.length - 1 : Math.max(0, Math.min(entries.length - 1, current + (event.key === 'ArrowDown' ? 1 : -1)));
    const entry = entries[next];
    if (!entry) return;
    onSelect(entry);
    const node = viewport.current;
    if (node) {
      const top = next * ROW_HEIGHT;
      if (top < node.scrollTop) node.scrollTop = top;
      else if (top + ROW_HEIGHT > node.scrollTop + viewHeight) node.scrollTop = top + ROW_HEIGHT - viewHeight;
    }
  }

  return (
    <div className="traffic-table" role="table" aria-label="Requests, newest first" aria-rowcount={entries.length + 1}>
      <div className="traffic-row traffic-head" role="row" aria-rowindex={1}>
        <span role="columnheader" className="tc-time">Time</span>
        <span role="columnheader" className="tc-status">Status</span>
        <span role="columnheader" className="tc-method">Method</span>
        <span role="columnheader" className="tc-path">Path</span>
        <span role="columnheader" className="tc-api">API</span>
        <span role="columnheader" className="tc-client">Client</span>
        <span role="columnheader" className="tc-policy">Policy / error</span>
        <span role="columnheader" className="tc-latency num">Latency</span>
      </div>
      <div ref={viewport} className="traffic-viewport" role="rowgroup" tabIndex={0} aria-label="Request log; arrow keys select" onScroll={onScroll} onKeyDown={onKeyDown} data-testid="traffic-viewport">
        <div className="traffic-spacer" style={{ height: entries.length * ROW_HEIGHT }}>
          {visible.map((entry, i) => (
            <Row key={entry.id} entry={entry} index={first + i} selected={entry.id === selectedId} onSelect={onSelect} />
          ))}
        </div>
      </div>
    </div>
  );
}
