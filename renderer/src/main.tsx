/** The renderer's entry point: pick the transport (IPC in Electron, HTTP in a browser) and render. */
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app';
import { createAppContext } from './state/store';
import { createTransport } from './transport/create-transport';
import './styles/index.css';

const context = createAppContext(createTransport(window.gatehouse));
createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App context={context} />
  </StrictMode>,
);
