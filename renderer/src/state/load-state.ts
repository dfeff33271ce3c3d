/** Where a resource list stands, so screens can show a spinner, an error banner or the data. */
export interface LoadState {
  status: 'idle' | 'loading' | 'ready' | 'error';
  error?: string;
}

export const idle: LoadState = { status: 'idle' };

/** Upserts by id, keeping the list's order (new items at the end). */
export function upsertById<T extends { id: string }>(list: readonly T[], item: T): T[] {
  const index = list.findIndex((existing) => existing.id === item.id);
  if (index < 0) return [...list, item];
  const next = list.slice();
  next[index] = item;
  return next;
}

export function removeById<T extends { id: string }>(list: readonly T[], id: string): T[] {
  return list.filter((item) => item.id !== id);
}
