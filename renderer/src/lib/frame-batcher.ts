/**
 * Collects items pushed at any rate and hands them over once per animation frame, so a burst
 * of 1,000 events/s costs ~60 store updates/s, not 1,000 renders.
 */
export type Scheduler = (callback: () => void) => void;

export function defaultScheduler(): Scheduler {
  if (typeof requestAnimationFrame === 'function') return (callback) => void requestAnimationFrame(() => callback());
  return (callback) => void setTimeout(callback, 16);
}

export interface FrameBatcher<T> {
  push(item: T): void;
  /** Delivers what is pending now (tests, teardown). */
  flush(): void;
  readonly pending: number;
}

export function createFrameBatcher<T>(deliver: (items: T[]) => void, schedule: Scheduler = defaultScheduler()): FrameBatcher<T> {
  let buffer: T[] = [];
  let scheduled = false;
  function flush(): void {
    scheduled = false;
    if (buffer.length === 0) return;
    const items = buffer;
    buffer = [];
    deliver(items);
  }
  return {
    push(item) {
      buffer.push(item);
      if (!scheduled) {
        scheduled = true;
        schedule(flush);
      }
    },
    flush,
    get pending() {
      return buffer.length;
    },
  };
}
