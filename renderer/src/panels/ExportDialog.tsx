import { formatDuration } from '../../../core/progress';
import { exportSettingsSchema, type ExportSettings, type Project } from '../../../core/project';
import { isRenderedTrack } from '../../../core/renderPlan';
import { PASS_STATE_LABELS } from '../../../core/review';
import { useControllerContext } from '../controllerContext';
import { useEditor, useEditorStore } from '../store';

const PRESETS = exportSettingsSchema.shape.preset.options;

/** Output path, codec and quality, then the render's progress with ETA and cancel. */
export function ExportDialog() {
  const store = useEditorStore();
  const controller = useControllerContext();
  const open = useEditor((s) => s.exportDialogOpen);
  const project = useEditor((s) => s.project);
  const path = useEditor((s) => s.exportPath);
  const job = useEditor((s) => s.renderJob);
  if (!open || !project) return null;
  const settings = project.exportSettings;
  const running = job?.status === 'running';
  const pending = project.tracks.filter((t) => t.status === 'pending').length;
  const rendered = project.tracks.filter(isRenderedTrack).length;
  const change = (patch: Partial<ExportSettings>) =>
    store.getState().edit(() => ({ type: 'setExportSettings', settings: { ...settings, ...patch } }), 'Export settings', true);

  return (
    <div className="modal-backdrop">
      <div className="modal" role="dialog" aria-label="Export" data-testid="export-dialog">
        <h2>Export the blurred video</h2>
        <ExportGate state={project.review.state} />
        <div className="row">
          <input className="path" readOnly value={path ?? ''} placeholder="Choose where to save…" data-testid="export-path" />
          <button onClick={() => controller.chooseExportPath()} disabled={running} data-testid="choose-export-path">Choose…</button>
        </div>
        <div className="row">
          <label>
            Codec
            <select value={settings.videoCodec} disabled>
              <option value="h264">H.264 (MP4)</option>
            </select>
          </label>
          <label title="x264 constant rate factor: lower is better quality and a larger file (18 is visually lossless)">
            Quality (CRF)
            <input type="number" min={0} max={51} value={settings.crf} disabled={running} onChange={(e) => change({ crf: Math.max(0, Math.min(51, Math.round(Number(e.target.value)))) })} data-testid="crf" />
          </label>
          <label title="Slower presets make smaller files at the same quality">
            Speed
            <select value={settings.preset} disabled={running} onChange={(e) => change({ preset: e.target.value as ExportSettings['preset'] })} data-testid="x264-preset">
              {PRESETS.map((p) => (
                <option key={p} value={p}>{p}</option>
              ))}
            </select>
          </label>
          <label title="Remove GPS, device and date tags">
            <input type="checkbox" checked={settings.stripMetadata} disabled={running} onChange={(e) => change({ stripMetadata: e.target.checked })} /> Remove metadata
          </label>
        </div>
        <p className="small">
          {rendered} track{rendered === 1 ? '' : 's'} will be blurred{pending > 0 && <> ({pending} not yet reviewed: they are blurred too)</>}. Rejected tracks are not blurred.
        </p>
        {/* The leak check of the written master and its audit report go here, after the render. */}
        {job && (
          <div className="job" data-testid="render-status" data-status={job.status}>
            {running && <progress max={1} value={job.progress?.ratio ?? 0} />}
            <div className="small">
              {job.status === 'running' && (
                <>
                  {job.stage}
                  {job.progress && (
                    <> · {Math.round(job.progress.ratio * 100)}% · {job.progress.etaSeconds === null ? 'estimating…' : `${formatDuration(job.progress.etaSeconds)} left`}</>
                  )}
                </>
              )}
              {job.status === 'done' && <>Done: {job.outputPath} <button className="link" onClick={() => controller.revealExport()}>Show in folder</button></>}
              {job.status === 'failed' && <span className="error">Failed: {job.error?.message}</span>}
              {job.status === 'cancelled' && <>Cancelled; nothing was written.</>}
            </div>
          </div>
        )}
        <div className="row end">
          {running ? (
            <button onClick={() => controller.cancelExport()} data-testid="cancel-export">Cancel export</button>
          ) : (
            <>
              <button onClick={() => store.getState().openExportDialog(false)}>Close</button>
              <button className="primary" onClick={() => controller.startExport()} disabled={!path} data-testid="start-export">Export</button>
            </>
          )}
        </div>
      </div>
    </div>
  );
}

/** Whether this export is of an approved pass: an approved export, or a draft one saying why. */
function ExportGate({ state }: { state: Project['review']['state'] }) {
  const approved = state === 'approved';
  return (
    <div className={`export-gate ${approved ? 'approved' : 'draft'}`} role="status">
      <strong data-testid="export-gate" data-state={state}>
        {approved ? 'Approved export' : `Draft export — the pass is not approved (${PASS_STATE_LABELS[state]})`}
      </strong>
      <div className="small">
        {approved
          ? 'A reviewer approved every track of this pass as it is now.'
          : 'The master is written, but as a draft: a reviewer has not approved every track of the pass as it is now.'}
      </div>
    </div>
  );
}
