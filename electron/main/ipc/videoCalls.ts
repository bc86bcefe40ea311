import type { SourceInfo } from '../../../core/project';
import type { BlurlineCalls, OpenedVideo } from '../../shared/contract';
import { probeVideo } from '../media/probe';
import { absolutePath, ipcCall } from './calls';
import type { FeatureDeps } from './handlers';
import { cachedProxy, makeProxy, proxyReason } from './proxy';

/** Opening sources: the dialog, probing, playback (the file or a proxy), the autosave, recent files. */
export function videoCalls({ dialogs, store, media, jobs, eventLog }: FeatureDeps) {
  /** Running proxy jobs by source hash, so opening a source twice makes one proxy. */
  const proxyJobs = new Map<string, string>();

  function startProxyJob(source: SourceInfo): string {
    const running = proxyJobs.get(source.sha256);
    if (running && jobs.snapshot(running)?.status === 'running') return running;
    const jobId = jobs.start('proxy', 'making a playable copy', async (job) => {
      const file = await makeProxy(source, store.proxiesDir, { signal: job.signal, onProgress: job.progress });
      return { outputPath: file, playbackUrl: media.addPlayback(file) };
    });
    proxyJobs.set(source.sha256, jobId);
    return jobId;
  }

  function playback(source: SourceInfo, sourceUrl: string): Pick<OpenedVideo, 'playbackUrl' | 'proxyJobId' | 'playbackIsProxy'> {
    if (!proxyReason(source)) return { playbackUrl: sourceUrl, proxyJobId: null, playbackIsProxy: false };
    const cached = cachedProxy(store.proxiesDir, source);
    if (cached) return { playbackUrl: media.addPlayback(cached), proxyJobId: null, playbackIsProxy: true };
    return { playbackUrl: null, proxyJobId: startProxyJob(source), playbackIsProxy: true };
  }

  return {
    chooseVideo: ipcCall([], [], () => dialogs.chooseVideo()),

    openVideo: ipcCall(['path'], [absolutePath], async (file): Promise<OpenedVideo> => {
      const source = await probeVideo(file);
      await store.addRecentFile(source.path);
      const autosave = await store.readAutosave(source.path);
      if (autosave) eventLog.rememberIfNew(autosave.project);
      const saved = autosave?.project.source;
      const urls = media.addSource(source);
      return {
        source,
        // Last, with nothing awaited after it: a proxy job cannot finish before the renderer has its id.
        ...playback(source, urls.playbackUrl),
        framesUrl: urls.framesUrl,
        autosaved: autosave && {
          ...autosave,
          sourceChanged: saved!.sha256 !== source.sha256 || saved!.sizeBytes !== source.sizeBytes,
        },
      };
    }),

    recentFiles: ipcCall([], [], () => store.recentFiles()),

    detectionAssets: ipcCall([], [], async () => media.detectionAssets()),
  } satisfies Partial<BlurlineCalls>;
}
