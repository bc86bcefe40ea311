import { useState, type DragEvent } from 'react';
import { formatDuration } from '../../../core/progress';
import { MASTER_CODECS, type MasterCodec } from '../../../core/project';
import type { BatchItemSnapshot } from '../../../electron/shared/contract';
import { useControllerContext } from '../controllerContext';
import { dirName, fileName } from '../paths';
import { useEditor, useEditorStore } from '../store';
import { BATCH_PRESET_LABELS, batchFormProblems, isActiveItem, type BatchPreset } from '../store/batchSlice';
import { CODEC_LABELS } from './ExportDialog';
import { plural, sentence } from '../words';

const STATUS_LABELS: Record<BatchItemSnapshot['status'], string> = { queued: 'Queued', running: 'Running', done: 'Done', failed: 'Failed', cancelled: 'Cancelled' };


/**
 * Many clips blurred unattended: a folder's videos (or dropped ones) with where the results go,
 * the detection preset, the codec and whether earlier results are replaced; then the queue, each
 * clip's progress, and what became of it. Closing the panel leaves the queue running.
 */
export function BatchPanel() {
  const store = useEditorStore();
  const open = useEditor((s) => s.batchOpen);
  const [dropping, setDropping] = useState(false);
  const controller = useControllerContext();
  if (!open) return null;

  const onDrop = (e: DragEvent) => {
    e.preventDefault();
    e.stopPropagation();
    setDropping(false);
    controller.batch.addDropped([...e.dataTransfer.files]);
  };
  const onDragOver = (e: DragEvent) => {
    e.preventDefault();
    e.stopPropagation();
    setDropping(true);
  };

  return (
    <div className="modal-backdrop" onDragOver={onDragOver} onDragLeave={() => setDropping(false)} onDrop={onDrop}>
      <div className={`modal batch-dialog${dropping ? ' dropping' : ''}`} role="dialog" aria-label="Batch" data-testid="batch-dialog">
        <h2>Batch: blur the faces in many clips</h2>
        <p className="small">
          Each clip is analysed, exported with the leak check and its audit report, one after another; you can close this and keep working.
          A batch export is not an approved export (nobody has reviewed it): open a clip in the editor to review its tracks, then export it again.
        </p>
        <BatchForm />
        <BatchQueue />
        <div className="row end">
          <button onClick={() => store.getState().openBatch(false)} data-testid="close-batch">Close</button>
        </div>
      </div>
    </div>
  );
}

/** The videos to add, where their results go and how they are made; Start queues the checked ones. */
function BatchForm() {
  // The host runs the user's own model in the batch too (set in the Detect panel).
  const detectorModel = useEditor((s) => s.analysis.detectorModel);
  const store = useEditorStore();
  const controller = useControllerContext();
  const form = useEditor((s) => s.batchForm);
  const queue = useEditor((s) => s.batchItems);
  const problems = batchFormProblems(form, queue);
  const checked = form.videos.filter((v) => v.checked).length;
  const set = store.getState();
  return (
    <section className="batch-form" data-testid="batch-form">
      <div className="row">
        <button onClick={() => void controller.batch.addFolder()} data-testid="batch-add-folder">Add folder…</button>
        <span className="small folder-summary" title={form.folder ?? undefined}>
          {form.videos.length > 0 ? <>{plural(form.videos.length, 'video')}{form.folder && <> in {form.folder}</>} · drop more here</> : 'or drop videos here'}
        </span>
        <span className="spacer" />
        {form.videos.length > 1 && (
          <>
            <button className="link" onClick={() => set.setAllBatchVideosChecked(true)}>all</button>
            <button className="link" onClick={() => set.setAllBatchVideosChecked(false)}>none</button>
          </>
        )}
      </div>
      {form.videos.length > 0 ? (
        <ul className="batch-videos" data-testid="batch-videos" aria-label="Videos to add">
          {form.videos.map((v) => (
            <li key={v.path}>
              <label title={v.path}>
                <input type="checkbox" checked={v.checked} onChange={(e) => set.setBatchVideoChecked(v.path, e.target.checked)} data-testid="batch-video" data-path={v.path} />
                <span className="name">{fileName(v.path)}</span>
                {dirName(v.path) !== form.folder && <span className="small folder">{dirName(v.path)}</span>}
              </label>
            </li>
          ))}
        </ul>
      ) : (
        <div className="batch-drop small">No videos yet: add a folder (the videos directly in it) or drop video files here.</div>
      )}
      <label className="row">
        Output folder
        <input className="path" value={form.outputDir} onChange={(e) => set.setBatchOutputDir(e.target.value)} placeholder="A full path, like /Users/me/Videos/blurred" spellCheck={false} data-testid="batch-output" />
      </label>
      <div className="row wrap">
        <label title="Thorough finds small and turned faces (for export); Fast is quicker and may miss some">
          Detection
          <select value={form.preset} onChange={(e) => set.setBatchOptions({ preset: e.target.value as BatchPreset })} data-testid="batch-preset">
            {(Object.keys(BATCH_PRESET_LABELS) as BatchPreset[]).map((p) => (
              <option key={p} value={p}>{BATCH_PRESET_LABELS[p]}</option>
            ))}
          </select>
          {detectorModel && <span className="small" data-testid="batch-detector-model"> and your model {fileName(detectorModel.model.file)}</span>}
        </label>
        <label>
          Codec
          <select value={form.codec} onChange={(e) => set.setBatchOptions({ codec: e.target.value as MasterCodec })} data-testid="batch-codec">
            {MASTER_CODECS.map((c) => (
              <option key={c} value={c}>{CODEC_LABELS[c]}</option>
            ))}
          </select>
        </label>
        <label title="Without it, a clip whose blurred master is already in the output folder fails and the old one stays">
          <input type="checkbox" checked={form.overwrite} onChange={(e) => set.setBatchOptions({ overwrite: e.target.checked })} data-testid="batch-overwrite" />
          Replace earlier results
        </label>
      </div>
      {form.videos.length > 0 && problems.length > 0 && (
        <ul className="error batch-problems" role="alert" data-testid="batch-problems">
          {problems.map((p) => (
            <li key={p}>{p}</li>
          ))}
        </ul>
      )}
      <div className="row end">
        <span className="small">{form.outputDir && checked > 0 && problems.length === 0 && <>Results: <code>name.blurred{form.codec === 'prores' ? '.mov' : '.mp4'}</code>, its project and audit report, in the output folder</>}</span>
        <button className="primary" onClick={() => void controller.batch.start()} disabled={problems.length > 0} data-testid="batch-start">
          Start{checked > 0 ? ` (${plural(checked, 'clip')})` : ''}
        </button>
      </div>
    </section>
  );
}

/** Every clip main has queued, running or finished. */
function BatchQueue() {
  const controller = useControllerContext();
  const items = useEditor((s) => s.batchItems);
  const finished = items.some((i) => !isActiveItem(i));
  return (
    <section className="batch-queue">
      <div className="row">
        <h3>Queue</h3>
        <span className="spacer" />
        <button onClick={() => void controller.batch.clearFinished()} disabled={!finished} data-testid="batch-clear">Clear finished</button>
      </div>
      {items.length === 0 ? (
        <p className="small">Nothing queued.</p>
      ) : (
        <ol className="batch-items" data-testid="batch-items">
          {items.map((item) => (
            <QueueItem key={item.id} item={item} />
          ))}
        </ol>
      )}
    </section>
  );
}

function QueueItem({ item }: { item: BatchItemSnapshot }) {
  const controller = useControllerContext();
  const { status, progress, result } = item;
  return (
    <li className={`batch-item status-${status}`} data-testid="batch-item" data-status={status} data-source={item.sourcePath}>
      <div className="row">
        <span className="name" title={item.sourcePath}>{fileName(item.sourcePath)}</span>
        {item.graphic && <span className="graphic-tag" data-testid="batch-graphic" title="Marked graphic: opens in the protective view, paused, sound off">graphic</span>}
        <span className={`badge status-${status}`} data-testid="batch-status">{STATUS_LABELS[status]}</span>
        <span className="spacer" />
        {isActiveItem(item) && (
          <button onClick={() => void controller.batch.cancel(item.id)} data-testid="batch-cancel">Cancel</button>
        )}
      </div>
      {status === 'queued' && <div className="small">Waiting for the clips before it · into {item.outputDir}</div>}
      {status === 'running' && (
        <div className="job" data-testid="batch-progress">
          <progress max={1} value={progress?.ratio ?? 0} aria-label={`${fileName(item.sourcePath)}: ${item.stage}`} />
          <div className="small">
            {sentence(item.stage)}
            {progress && <> · {Math.round(progress.ratio * 100)}% · {progress.etaSeconds === null ? 'estimating…' : `${formatDuration(progress.etaSeconds)} left`}</>}
          </div>
        </div>
      )}
      {status === 'done' && result && (
        <>
          <div className="small" data-testid="batch-result">
            {plural(result.tracks, 'face track')}
            {result.leakTracksAdded > 0 && ` (${result.leakTracksAdded} added by the leak check, rendered again)`} ·{' '}
            {result.leakFindings === 0 ? (
              <span className="leak-clean">leak check: no face left showing</span>
            ) : (
              <span className="leak-found">leak check: {plural(result.leakFindings, 'possible face')} left showing</span>
            )}{' '}
            · took {formatDuration(result.seconds)} · draft export, not reviewed
          </div>
          <div className="row">
            <button onClick={() => void controller.batch.openInEditor(item.id)} title="Open the clip with the batch's tracks, to review them (your own earlier work on the clip, if any, is kept instead)" data-testid="batch-open">Open in editor</button>
            <button onClick={() => void controller.batch.reveal(item.id, 'report')} title={result.reportPaths.html} data-testid="batch-show-report">Show report</button>
            <button onClick={() => void controller.batch.reveal(item.id, 'master')} title={result.masterPath} data-testid="batch-show-master">Show master</button>
          </div>
        </>
      )}
      {status === 'failed' && <div className="error" data-testid="batch-error">{sentence(item.error?.message ?? 'failed for an unknown reason')}</div>}
      {status === 'cancelled' && <div className="small">Cancelled: no new master was written for it.</div>}
    </li>
  );
}
