/** Renders a screen or component inside the app's providers, over the fake control plane. */
import { render, type RenderResult } from '@testing-library/react';
import type { ReactElement } from 'react';
import { AppProvider, createAppContext, type AppContextValue } from '../state/store';
import { ToastViewport } from '../ui/toasts';
import { createFakeControlPlane, type FakeControlPlane } from './fake-control-plane';

export interface AppRender extends RenderResult {
  plane: FakeControlPlane;
  context: AppContextValue;
}

export function renderWithApp(ui: ReactElement, plane: FakeControlPlane = createFakeControlPlane()): AppRender {
  const context = createAppContext(plane.transport);
  const result = render(
    <AppProvider value={context}>
      {ui}
      <ToastViewport />
    </AppProvider>,
  );
  return { ...result, plane, context };
}

/** The error text shown for a control (through its aria-describedby). */
export function describedErrorOf(control: HTMLElement): string | undefined {
  const ids = (control.getAttribute('aria-describedby') ?? '').split(/\s+/).filter(Boolean);
  for (const id of ids) {
    const node = document.getElementById(id);
    if (node?.classList.contains('field-error')) return node.textContent ?? '';
  }
  return undefined;
}
