/** Toasts: short results of actions (with an optional action such as Undo). */
import type { Slice } from './store';

export interface Toast {
  id: number;
  kind: 'success' | 'error' | 'info';
  title: string;
  message?: string;
  action?: { label: string; run: () => void | Promise<void> };
  /** Milliseconds before it goes away by itself; 0 keeps it. */
  timeoutMs: number;
}

export interface ToastsSlice {
  toasts: Toast[];
  pushToast(toast: Omit<Toast, 'id' | 'timeoutMs'> & { timeoutMs?: number }): number;
  dismissToast(id: number): void;
}

let nextId = 1;
const MAX_TOASTS = 4;

export const createToastsSlice = (): Slice<ToastsSlice> => (set, get) => ({
  toasts: [],
  pushToast(toast) {
    const id = nextId++;
    const timeoutMs = toast.timeoutMs ?? (toast.action ? 8000 : toast.kind === 'error' ? 8000 : 4000);
    set({ toasts: [...get().toasts, { ...toast, id, timeoutMs }].slice(-MAX_TOASTS) });
    return id;
  },
  dismissToast(id) {
    set({ toasts: get().toasts.filter((toast) => toast.id !== id) });
  },
});
