/**
 * Navigation tabs (links, so each tab has a URL) and a segmented control (a radio group) for
 * choices such as the analytics window. Arrow keys move between options.
 */
import type { KeyboardEvent, ReactNode } from 'react';
import { href } from '../router/router';

export function TabNav({ label, tabs, current }: { label: string; tabs: { id: string; label: ReactNode; path: string }[]; current: string }) {
  return (
    <nav className="tabs" aria-label={label}>
      {tabs.map((tab) => (
        <a key={tab.id} className={`tab ${tab.id === current ? 'tab-active' : ''}`} href={href(tab.path)} aria-current={tab.id === current ? 'page' : undefined}>
          {tab.label}
        </a>
      ))}
    </nav>
  );
}

export function Segmented<T extends string>({ label, options, value, onChange }: { label: string; options: { value: NoInfer<T>; label: ReactNode }[]; value: T; onChange(value: NoInfer<T>): void }) {
  function onKeyDown(event: KeyboardEvent) {
    const index = options.findIndex((option) => option.value === value);
    const step = event.key === 'ArrowRight' || event.key === 'ArrowDown' ? 1 : event.key === 'ArrowLeft' || event.key === 'ArrowUp' ? -1 : 0;
    if (!step) return;
    event.preventDefault();
    const next = options[(index + step + options.length) % options.length]!;
    onChange(next.value);
    const group = event.currentTarget as HTMLElement;
    setTimeout(() => group.querySelector<HTMLElement>('[aria-checked="true"]')?.focus(), 0);
  }
  return (
    <div className="segmented" role="radiogroup" aria-label={label} onKeyDown={onKeyDown}>
      {options.map((option) => (
        <button
          key={option.value}
          type="button"
          role="radio"
          aria-checked={option.value === value}
          tabIndex={option.value === value ? 0 : -1}
          className={`segment ${option.value === value ? 'segment-active' : ''}`}
          onClick={() => onChange(option.value)}
        >
          {option.label}
        </button>
      ))}
    </div>
  );
}
