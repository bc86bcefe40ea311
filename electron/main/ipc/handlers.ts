import type { BlurlineCalls, BlurlineEvents, EventName } from '../../shared/contract';
import { EventLogGuard } from '../project/eventLogGuard';
import { batchCalls } from './batchCalls';
import { detectorModelCalls } from './detectorModelCalls';
import { followCalls } from './followCalls';
import { JobRegistry } from './jobs';
import type { MediaServer } from './mediaServer';
import { projectCalls } from './projectCalls';
import { renderCalls } from './renderCalls';
import { UserDataStore } from './userDataStore';
import { videoCalls } from './videoCalls';

/**
 * Every IPC call of the contract as a plain async function, with what Electron provides
 * (dialogs, the file manager, the user-data folder, pushing events) injected. The Electron
 * shell registers these with `ipcMain.handle`; the browser tests bind the same functions into
 * the page (testHost.ts), so both hosts run exactly this code.
 */

/** Native dialogs; each resolves to the chosen path, or null when the user cancels. */
export interface HostDialogs {
  chooseVideo(): Promise<string | null>;
  chooseProjectToOpen(): Promise<string | null>;
  chooseProjectSavePath(defaultPath: string): Promise<string | null>;
  chooseExportPath(defaultPath: string): Promise<string | null>;
  chooseFolder(title: string): Promise<string | null>;
  chooseDetectorModel(): Promise<string | null>;
}

export interface HostDeps {
  userDataDir: string;
  dialogs: HostDialogs;
  /** `shell.showItemInFolder` in the app. */
  showItemInFolder(file: string): void;
  /** Pushes an event to the window. */
  emit<E extends EventName>(event: E, payload: BlurlineEvents[E]): void;
  media: MediaServer;
}

/** What each feature's handlers get. */
export interface FeatureDeps extends Omit<HostDeps, 'userDataDir'> {
  store: UserDataStore;
  jobs: JobRegistry;
  eventLog: EventLogGuard;
}

export interface BlurlineHandlers {
  calls: BlurlineCalls;
  /** Cancels every running job and the batch, and waits for them to end (on quit, or when a test host closes). */
  close(): Promise<void>;
}

export function createBlurlineHandlers(deps: HostDeps): BlurlineHandlers {
  const jobs = new JobRegistry((snapshot) => deps.emit('job', snapshot));
  const features: FeatureDeps = { ...deps, store: new UserDataStore(deps.userDataDir), jobs, eventLog: new EventLogGuard() };
  const batch = batchCalls(features);
  const calls: BlurlineCalls = { ...videoCalls(features), ...projectCalls(features), ...renderCalls(features), ...followCalls(features), ...detectorModelCalls(features), ...batch.calls };
  return { calls, close: async () => void (await Promise.all([jobs.cancelAll(), batch.close()])) };
}
