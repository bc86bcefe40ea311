import { useEffect, useRef } from 'react';
import { formatDuration } from '../../../core/progress';
import { exportSettingsSchema, MASTER_CODECS, type ExportSettings, type FrameRange, type MasterCodec, type Project } from '../../../core/project';
import { isRenderedTrack } from '../../../core/renderPlan';
import { PASS_STATE_LABELS } from '../../../core/review';
import { useControllerContext } from '../controllerContext';
import { containerProblem } from '../paths';
import { useEditor, useEditorStore } from '../store';
import { timecode, type FrameClock } from '../time';
import { ExportOutcomeView } from './ExportOutcome';

const PRESETS = exportSettingsSchema.shape.preset.options;

export const CODEC_LABELS: Record<MasterCodec, string> = { h264: 'H.264 (MP4)', h265: 'H.265 (MP4)', prores: 'ProRes 422 HQ (MOV)' };

/**
 * Output path, master format and range, then the export's progress with ETA and cancel, and its
 * outcome: approved or not (and why), the leak check's findings with their waivers, the report.
 */
export function ExportDialog() {
  const store = useEditorStore();
  const controller = useControllerContext();
  const open = useEditor((s) => s.exportDialogOpen);
  const project = useEditor((s) => s.project);
  const path = useEditor((s) => s.exportPath);
  const job = useEditor((s) => s.renderJob);
  const outcomeRef = useRef<HTMLDivElement>(null);
  const done = job?.status === 'done';
  // The outcome arrives at the bottom of a long dialog: bring it into view.
  useEffect(() => {
    if (done) outcomeRef.current?.scrollIntoView({ block: 'start' });
  }, [done]);
  if (!project || !open) return null;
  const settings = project.exportSettings;
  const running = job?.status === 'running';
  const pending = project.tracks.filter((t) => t.status === 'pending').length;
  const rendered = project.tracks.filter(isRenderedTrack).length;
  const problem = path && containerProblem(path, settings.videoCodec);
  const change = (patch: Partial<ExportSettings>) =>
    store.getState().edit(() => ({ type: 'setExportSettings', settings: { ...settings, ...patch } }), 'Export settings', true);

  return (
    <div className="modal-backdrop">
      <div className="modal export-dialog" role="dialog" aria-label="Export" data-testid="export-dialog">
        <h2>Export the blurred video</h2>
        <ExportGate state={project.review.state} />
        <div className="row">
          <input className="path" readOnly value={path ?? ''} placeholder="Choose where to save…" aria-label="Output file" data-testid="export-path" />
          <button onClick={() => controller.chooseExportPath()} disabled={running} data-testid="choose-export-path">Choose…</button>
        </div>
        {problem && <p className="error" role="alert" data-testid="export-path-problem">{problem}</p>}
        <div className="row wrap">
          <label>
            Codec
            <select value={settings.videoCodec} disabled={running} onChange={(e) => store.getState().setMasterCodec(e.target.value as MasterCodec)} data-testid="export-codec">
              {MASTER_CODECS.map((c) => (
                <option key={c} value={c}>{CODEC_LABELS[c]}</option>
              ))}
            </select>
          </label>
          {settings.videoCodec === 'prores' ? (
            <span className="small">10-bit 4:2:2, for editing; no quality setting.</span>
          ) : (
            <>
              <label title="x264/x265 constant rate factor: lower is better quality and a larger file (18 is visually lossless)">
                Quality (CRF)
                <input type="number" min={0} max={51} value={settings.crf} disabled={running} onChange={(e) => change({ crf: Math.max(0, Math.min(51, Math.round(Number(e.target.value)))) })} data-testid="crf" />
              </label>
              <label title="Slower presets make smaller files at the same quality">
                x264/x265 preset
                <select value={settings.preset} disabled={running} onChange={(e) => change({ preset: e.target.value as ExportSettings['preset'] })} data-testid="x264-preset">
                  {PRESETS.map((p) => (
                    <option key={p} value={p}>{p}</option>
                  ))}
                </select>
              </label>
            </>
          )}
        </div>
        <label className="row" title="Container and stream tags (GPS position, device, serial number, dates) and data or subtitle streams (telemetry, GPS tracks)">
          <input type="checkbox" checked={settings.stripMetadata} disabled={running} onChange={(e) => change({ stripMetadata: e.target.checked })} data-testid="strip-metadata" />
          Remove metadata and data streams (GPS, telemetry, subtitles)
        </label>
        <ExportRange clock={project.source} chosen={settings.range} disabled={running} choose={(range) => change({ range })} />
        <p className="small">
          {rendered} track{rendered === 1 ? '' : 's'} will be blurred{pending > 0 && <> ({pending} not yet reviewed: they are blurred too)</>}. Rejected tracks are not blurred.
        </p>
        {job && (
          <div className="job" data-testid="render-status" data-status={job.status} data-output={job.outputPath ?? undefined} ref={outcomeRef}>
            {running && <progress max={1} value={job.progress?.ratio ?? 0} />}
            {job.status === 'running' && (
              <div className="small">
                {job.stage}
                {job.progress && (
                  <> · {Math.round(job.progress.ratio * 100)}% · {job.progress.etaSeconds === null ? 'estimating…' : `${formatDuration(job.progress.etaSeconds)} left`}</>
                )}
              </div>
            )}
            {done &&
              (job.exported ? (
                <ExportOutcomeView outcome={job.exported} clock={project.source} />
              ) : (
                <div className="small">Done: {job.outputPath} <button className="link" onClick={() => controller.revealExport()}>Show in folder</button></div>
              ))}
            {job.status === 'failed' && <div className="small error">Failed: {job.error?.message}</div>}
            {job.status === 'cancelled' && <div className="small">Cancelled; nothing was written.</div>}
          </div>
        )}
        <div className="row end">
          {running ? (
            <button onClick={() => controller.cancelExport()} data-testid="cancel-export">Cancel export</button>
          ) : (
            <>
              <button onClick={() => store.getState().openExportDialog(false)}>Close</button>
              <button className="primary" onClick={() => controller.startExport()} disabled={!path || !!problem} data-testid="start-export">{done ? 'Export again' : 'Export'}</button>
            </>
          )}
        </div>
      </div>
    </div>
  );
}

/** Frames first–last as frame numbers and timecodes. */
export function spanText(clock: FrameClock, { first, last }: FrameRange): string {
  const count = last - first + 1;
  return `frames ${first}–${last} (${count} frame${count === 1 ? '' : 's'}) · ${timecode(clock, first)} – ${timecode(clock, last)}`;
}

/** Whole clip, or the I/O range set on the timeline (or, until changed, a range chosen before). */
function ExportRange({ clock, chosen, disabled, choose }: { clock: FrameClock; chosen: FrameRange | null; disabled: boolean; choose(range: FrameRange | null): void }) {
  const io = useEditor((s) => s.range);
  const isIo = chosen !== null && io !== null && chosen.first === io.first && chosen.last === io.last;
  return (
    <fieldset className="export-range" data-testid="export-range" data-range={chosen ? `${chosen.first}-${chosen.last}` : 'whole'}>
      <legend>Export range</legend>
      <label>
        <input type="radio" name="export-range" checked={chosen === null} disabled={disabled} onChange={() => choose(null)} data-testid="range-whole" />
        Whole clip <span className="small">{spanText(clock, { first: 0, last: clock.frameCount - 1 })}</span>
      </label>
      <label>
        <input type="radio" name="export-range" checked={isIo} disabled={disabled || !io} onChange={() => io && choose({ first: io.first, last: io.last })} data-testid="range-io" />
        I/O range on the timeline <span className="small">{io ? spanText(clock, io) : 'none set: mark it with I and O on the timeline'}</span>
      </label>
      {chosen && !isIo && (
        <label>
          <input type="radio" name="export-range" checked readOnly disabled={disabled} />
          Chosen before <span className="small">{spanText(clock, chosen)}</span>
        </label>
      )}
    </fieldset>
  );
}

/** What this export will be gated on: the pass now, then the leak check of the master. */
function ExportGate({ state }: { state: Project['review']['state'] }) {
  const approved = state === 'approved';
  return (
    <div className={`export-gate ${approved ? 'approved' : 'draft'}`} role="status">
      <strong data-testid="export-gate" data-state={state}>
        {approved ? 'Approved export, if the leak check is clean' : `Draft export — the pass is not approved (${PASS_STATE_LABELS[state]})`}
      </strong>
      <div className="small">
        {approved
          ? 'A reviewer approved every track of this pass as it is now. After the render, every frame of the master is searched for faces left showing: it is an approved export if none is found, or each one found is waived with a reason.'
          : 'It will not be an approved export: a reviewer has not approved every track of the pass as it is now. The master is still searched for faces left showing, and the audit report written beside it.'}
      </div>
    </div>
  );
}
