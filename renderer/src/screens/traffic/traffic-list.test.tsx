// @vitest-environment jsdom
/** The request log renders only the rows in view, even with 10,000 entries. */
import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { TrafficEntry } from '../../../../shared/contract/telemetry-models';
import { emptyFilter, filterTraffic, trafficCriteria, type TrafficFilter } from './traffic-filter';
import { ROW_HEIGHT, TrafficList } from './traffic-list';

afterEach(cleanup);

const entries: TrafficEntry[] = Array.from({ length: 10_000 }, (_, i) => ({
  id: `r${i}`,
  at: 1_700_000_000_000 - i * 10,
  apiId: i % 2 ? 'api_a' : 'api_b',
  apiName: i % 2 ? 'A' : 'B',
  method: i % 3 ? 'GET' : 'POST',
  path: `/items/${i}`,
  status: i % 10 === 0 ? 503 : i % 7 === 0 ? 429 : 200,
  latencyMs: 3,
  clientId: i % 5 === 0 ? 'mobile' : null,
  source: 'upstream',
  trace: [],
}));

describe('TrafficList', () => {
  it('renders only the visible rows of 10,000 entries, and others when scrolled', () => {
    render(<TrafficList entries={entries} onSelect={() => undefined} fallbackHeight={600} />);
    const rows = () => screen.getAllByTestId('traffic-row');
    const visible = Math.ceil(600 / ROW_HEIGHT);
    expect(rows().length).toBeGreaterThanOrEqual(visible);
    expect(rows().length).toBeLessThanOrEqual(visible + 16);
    expect(screen.getByRole('table').getAttribute('aria-rowcount')).toBe('10001');
    expect(screen.getByText('/items/0')).toBeTruthy();
    expect(screen.queryByText('/items/5000')).toBeNull();

    const viewport = screen.getByTestId('traffic-viewport');
    viewport.scrollTop = 5000 * ROW_HEIGHT;
    fireEvent.scroll(viewport);
    expect(screen.getByText('/items/5000')).toBeTruthy();
    expect(screen.queryByText('/items/0')).toBeNull();
    expect(rows().length).toBeLessThanOrEqual(visible + 16);
    // Rows sit at their absolute offset inside a spacer as tall as the whole list.
    expect((viewport.firstElementChild as HTMLElement).style.height).toBe(`${10_000 * ROW_HEIGHT}px`);
  });

  it('selects with the arrow keys', () => {
    const onSelect = vi.fn();
    const { rerender } = render(<TrafficList entries={entries} onSelect={onSelect} selectedId="r3" />);
    fireEvent.keyDown(screen.getByTestId('traffic-viewport'), { key: 'ArrowDown' });
    expect(onSelect).toHaveBeenLastCalledWith(entries[4]);
    rerender(<TrafficList entries={entries} onSelect={onSelect} selectedId="r4" />);
    expect(screen.getAllByTestId('traffic-row').find((row) => row.getAttribute('aria-selected') === 'true')?.textContent).toContain('/items/4');
  });

  it('stays on the rows being read when new ones arrive on top', () => {
    const { rerender } = render(<TrafficList entries={entries} onSelect={() => undefined} />);
    const viewport = screen.getByTestId('traffic-viewport');
    viewport.scrollTop = 100 * ROW_HEIGHT;
    fireEvent.scroll(viewport);
    const newer: TrafficEntry[] = Array.from({ length: 25 }, (_, i) => ({ ...entries[0]!, id: `n${i}`, path: `/new/${i}` }));
    rerender(<TrafficList entries={[...newer, ...entries]} onSelect={() => undefined} />);
    expect(viewport.scrollTop).toBe(125 * ROW_HEIGHT);
  });
});

describe('filterTraffic', () => {
  const criteria = (patch: Partial<TrafficFilter>, now = 1_700_000_000_000) => trafficCriteria({ ...emptyFilter, ...patch }, now);
  it('filters by API, status class, client, text and time together', () => {
    expect(filterTraffic(entries, criteria({ apiId: 'api_a', statusClass: '5xx' })).every((e) => e.apiId === 'api_a' && e.status === 503)).toBe(true);
    expect(filterTraffic(entries, criteria({ statusClass: '4xx', clientId: 'MOB' })).every((e) => e.status === 429 && e.clientId === 'mobile')).toBe(true);
    const hits = filterTraffic(entries, criteria({ text: 'post /items/99' }));
    expect(hits.map((e) => e.path)).toContain('/items/99');
    expect(hits.every((e) => e.method === 'POST' && e.path.startsWith('/items/99'))).toBe(true);
    // One request per 10 ms: the last 15 minutes, 50 s after the newest, reach back 5,000 requests.
    expect(filterTraffic(entries, criteria({ range: '15m' }, 1_700_000_000_000 + 15 * 60_000 - 50_000))).toHaveLength(5001);
    expect(filterTraffic(entries, criteria({ text: 'rate-limit' }))).toEqual([]);
    expect(criteria({ clientId: '  ', text: ' ' })).toBeUndefined();
    expect(filterTraffic(entries, criteria({}))).toBe(entries);
  });
});
