/**
 * Wires Electron's Tray to the pure tray model: the icon and menu are rebuilt from
 * TrayStateStore whenever the state changes (and only when what is shown changed, so an open
 * menu is not torn down every second), and clicks run tray-actions.
 */
import { Menu, nativeImage, Tray, type MenuItemConstructorOptions, type NativeImage } from 'electron';
import { drawMark, STATUS_COLOURS } from './icon-art';
import { encodePng } from './png';
import { buildTrayMenu, trayStatus, trayTooltip, type TrayAction, type TrayMenuTemplate, type TrayStatus } from './tray-menu';
import type { TrayStateStore } from './tray-state';

/** The menu data as Electron menu items; `onAction` receives the item's action on click. */
export function toElectronMenu(template: TrayMenuTemplate, onAction: (action: TrayAction) => void): MenuItemConstructorOptions[] {
  return template.map((item): MenuItemConstructorOptions => {
    if (item.type === 'separator') return { type: 'separator' };
    const action = item.action;
    const click = action ? () => onAction(action) : undefined;
    if (item.type === 'checkbox') return { type: 'checkbox', label: item.label, checked: item.checked, enabled: item.enabled ?? true, click };
    return {
      label: item.label,
      enabled: item.enabled ?? true,
      ...(click ? { click } : {}),
      ...(item.submenu ? { submenu: toElectronMenu(item.submenu, onAction) } : {}),
    };
  });
}

/** 16 px with a 32 px representation for HiDPI, drawn in code (icon-art.ts). */
export function statusIcon(status: TrayStatus): NativeImage {
  const image = nativeImage.createFromBuffer(encodePng(16, 16, drawMark(16, STATUS_COLOURS[status])), { scaleFactor: 1 });
  image.addRepresentation({ scaleFactor: 2, buffer: encodePng(32, 32, drawMark(32, STATUS_COLOURS[status])) });
  return image;
}

export interface AppTray {
  dispose(): void;
}

export function createAppTray(store: TrayStateStore, onAction: (action: TrayAction) => void, onClick: () => void): AppTray {
  const icons = new Map<TrayStatus, NativeImage>();
  const iconFor = (status: TrayStatus) => icons.get(status) ?? icons.set(status, statusIcon(status)).get(status)!;
  let shownStatus = trayStatus(store.state);
  const tray = new Tray(iconFor(shownStatus));
  let shownMenu = '';
  let shownTooltip = '';

  const render = () => {
    const state = store.state;
    const status = trayStatus(state);
    if (status !== shownStatus) {
      tray.setImage(iconFor(status));
      shownStatus = status;
    }
    const tooltip = trayTooltip(state);
    if (tooltip !== shownTooltip) {
      tray.setToolTip(tooltip);
      shownTooltip = tooltip;
    }
    const template = buildTrayMenu(state);
    const key = JSON.stringify(template);
    if (key !== shownMenu) {
      tray.setContextMenu(Menu.buildFromTemplate(toElectronMenu(template, onAction)));
      shownMenu = key;
    }
  };

  render();
  const off = store.onChange(render);
  // Windows and Linux: a left click opens the window (macOS shows the menu).
  tray.on('click', onClick);
  return {
    dispose() {
      off();
      tray.destroy();
    },
  };
}
