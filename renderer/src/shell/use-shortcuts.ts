/** Global keys: Ctrl/Cmd+K for the palette, "g" then a letter to jump and "?" for the list of shortcuts (as in GitHub). */
import { useLayoutEffect } from 'react';
import { navigate } from '../router/router';
import { useAppContext } from '../state/store';
import { NAV_ITEMS } from './sidebar';

function isTyping(target: EventTarget | null): boolean {
  const element = target as HTMLElement | null;
  if (!element) return false;
  return element.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(element.tagName);
}

export function useShortcuts(): void {
  const { store } = useAppContext();
  // A layout effect: the listener is attached in the same commit that shows the shell, so a key
  // pressed as soon as the first screen is visible is heard (a passive effect can run later, after
  // the screen is already on show; a busy test worker pressed "?" in that gap).
  useLayoutEffect(() => {
    let pendingG = 0;
    function onKeyDown(event: KeyboardEvent) {
      if ((event.ctrlKey || event.metaKey) && event.key.toLowerCase() === 'k') {
        event.preventDefault();
        store.getState().setPaletteOpen(!store.getState().paletteOpen);
        return;
      }
      if (event.ctrlKey || event.metaKey || event.altKey || isTyping(event.target) || store.getState().dialog || store.getState().paletteOpen) return;
      if (event.key === '?') {
        event.preventDefault();
        pendingG = 0;
        store.getState().openDialog({ name: 'shortcuts' });
        return;
      }
      const key = event.key.toLowerCase();
      if (pendingG && Date.now() - pendingG < 1200) {
        pendingG = 0;
        const item = NAV_ITEMS.find((nav) => nav.shortcut.toLowerCase() === `g ${key}`);
        if (item) {
          event.preventDefault();
          navigate(item.path);
        }
        return;
      }
      if (key === 'g') pendingG = Date.now();
    }
    window.addEventListener('keydown', onKeyDown);
    return () => window.removeEventListener('keydown', onKeyDown);
  }, [store]);
}
