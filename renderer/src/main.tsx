import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import type { BlurlineApi } from '../../electron/shared/contract';
import { App } from './App';
import { createWorkerAnalyser } from './analysis/analyser';
import type { Backend } from './analysis/protocol';
import { bindIpc } from './controller';
import { ControllerContext } from './controllerContext';
import { bindIdentityStorage } from './identity';
import { bindProtectiveViewStorage } from './protectiveViewStorage';
import { createEditorStore, StoreContext } from './store';
import './styles.css';

declare global {
  interface Window {
    blurline?: BlurlineApi;
  }
}

const root = createRoot(document.getElementById('root')!);
const api = window.blurline;
if (!api) {
  root.render(<p className="fatal">Blurline's host API is missing: this page must be opened by the Blurline app.</p>);
} else {
  const store = createEditorStore();
  bindIdentityStorage(store, window.localStorage);
  // After the identity: the view is the remembered user's.
  bindProtectiveViewStorage(store, window.localStorage);
  // `?backend=wasm` forces the detection backend (tests compare backends; WebGL is tried first).
  const backend = new URLSearchParams(location.search).get('backend');
  const backends: Backend[] | undefined = backend === 'wasm' || backend === 'webgl' ? [backend] : undefined;
  const controller = bindIpc(store, api, createWorkerAnalyser(), { backends });
  root.render(
    <StrictMode>
      <StoreContext.Provider value={store}>
        <ControllerContext.Provider value={controller}>
          <App />
        </ControllerContext.Provider>
      </StoreContext.Provider>
    </StrictMode>,
  );
}
