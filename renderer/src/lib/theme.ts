/** Applies the theme setting (light, dark, or the system's) to the document as data-theme. */
import type { Settings } from '../../../shared/contract/models';

export type EffectiveTheme = 'light' | 'dark';

export function systemTheme(): EffectiveTheme {
  if (typeof matchMedia !== 'function') return 'light';
  return matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'light';
}

export function resolveTheme(setting: Settings['theme']): EffectiveTheme {
  return setting === 'system' ? systemTheme() : setting;
}

/** Applies it now and follows the system while the setting is `system`; returns a cleanup. */
export function applyTheme(setting: Settings['theme'], root: HTMLElement = document.documentElement): () => void {
  root.dataset.theme = resolveTheme(setting);
  if (setting !== 'system' || typeof matchMedia !== 'function') return () => undefined;
  const query = matchMedia('(prefers-color-scheme: dark)');
  const onChange = () => {
    root.dataset.theme = query.matches ? 'dark' : 'light';
    root.dispatchEvent(new CustomEvent('themechange'));
  };
  query.addEventListener('change', onChange);
  return () => query.removeEventListener('change', onChange);
}

/** A CSS custom property's current value (charts need real colours, not var()). */
export function cssVar(name: string, root: HTMLElement = document.documentElement): string {
  return getComputedStyle(root).getPropertyValue(name).trim();
}
