/** `?`: every keyboard shortcut of the app, in one list (the ones useShortcuts and the palette handle). */
import { Dialog } from '../ui/dialog';
import { NAV_ITEMS } from './sidebar';

export function shortcutList(isMac: boolean): { keys: string[]; what: string }[] {
  const mod = isMac ? '⌘' : 'Ctrl';
  return [
    { keys: [mod, 'K'], what: 'Open the command palette (search APIs, policies, traffic…)' },
    { keys: ['?'], what: 'Show this list of shortcuts' },
    ...NAV_ITEMS.map((item) => ({ keys: item.shortcut.split(' '), what: `Go to ${item.label}` })),
    { keys: ['↑', '↓'], what: 'Move through the command palette’s results' },
    { keys: ['Enter'], what: 'Run the selected palette result' },
    { keys: ['Esc'], what: 'Close the palette or a dialog' },
  ];
}

export function ShortcutsDialog({ onClose }: { onClose(): void }) {
  const isMac = typeof navigator !== 'undefined' && /Mac/i.test(navigator.platform);
  return (
    <Dialog title="Keyboard shortcuts" onClose={onClose} size="sm">
      <table className="shortcuts-table">
        <tbody>
          {shortcutList(isMac).map((shortcut) => (
            <tr key={shortcut.what}>
              <td>
                {shortcut.keys.map((key, i) => (
                  <span key={i}>
                    {i > 0 ? ' ' : null}
                    <kbd className="kbd">{key}</kbd>
                  </span>
                ))}
              </td>
              <td>{shortcut.what}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </Dialog>
  );
}
