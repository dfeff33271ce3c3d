/**
 * Shell-level UI state: the command palette and the app-wide dialogs it (or any screen) can
 * open, so "Add API" works the same from the palette, the Overview and the APIs list.
 */
import type { ApiCreate } from '../../../shared/contract/models';
import type { Slice } from './store';

export type GlobalDialog =
  | { name: 'add-api'; initial?: Partial<ApiCreate>; source?: string; openApiDocument?: string }
  | { name: 'import-openapi' }
  | { name: 'add-application' }
  | { name: 'add-gateway' }
  | { name: 'shortcuts' };

export interface UiSlice {
  paletteOpen: boolean;
  dialog: GlobalDialog | null;
  setPaletteOpen(open: boolean): void;
  openDialog(dialog: GlobalDialog): void;
  closeDialog(): void;
}

export const createUiSlice = (): Slice<UiSlice> => (set) => ({
  paletteOpen: false,
  dialog: null,
  setPaletteOpen: (paletteOpen) => set({ paletteOpen }),
  openDialog: (dialog) => set({ dialog, paletteOpen: false }),
  closeDialog: () => set({ dialog: null }),
});
