import { useMemo, useState, type FormEvent } from 'react';
import { frameRuns, type LeakFinding } from '../../../core/auditReport';
import { tracksForFindings } from '../../../core/leakTracks';
import type { ExportOutcome } from '../../../electron/shared/contract';
import { useControllerContext } from '../controllerContext';
import { fileName } from '../paths';
import { useEditor, useEditorStore } from '../store';
import { timecode, type FrameClock } from '../time';
import { plural, sentence } from '../words';


/** The finished export: approved or not (each reason), the leak check and its findings, the files. */
export function ExportOutcomeView({ outcome, clock }: { outcome: ExportOutcome; clock: FrameClock }) {
  const controller = useControllerContext();
  const { leakCheck } = outcome;
  const findings = leakCheck?.findings ?? [];
  // Reasons already given, offered again: a false alarm often repeats (each finding is still waived on its own).
  const reasons = [...new Set(findings.flatMap((f) => (f.waiver ? [f.waiver.reason] : [])))];
  return (
    <div className="export-outcome" data-testid="export-outcome" data-approved={outcome.approvedExport}>
      <h3>Last export: {fileName(outcome.masterPath)}</h3>
      <div className={`verdict ${outcome.approvedExport ? 'approved' : 'blocked'}`} role="status">
        <strong data-testid="export-verdict">{outcome.approvedExport ? 'Approved export' : 'Not an approved export'}</strong>
        {outcome.approvedExport ? (
          <div className="small">The pass was approved and the leak check is clean{findings.length > 0 ? ' (every finding waived)' : ''}.</div>
        ) : (
          <ul className="blockers" data-testid="export-blockers">
            {outcome.blockers.map((b) => (
              <li key={b}>{sentence(b)}.</li>
            ))}
          </ul>
        )}
      </div>
      <div className="row wrap">
        <span className="small master-path" title={outcome.masterPath}>{outcome.masterPath}</span>
        <button onClick={() => void controller.revealExport('report')} title={outcome.reportPaths.html} data-testid="show-report">Show the audit report</button>
        <button onClick={() => void controller.revealExport('master')} title={outcome.masterPath} data-testid="show-master">Show the master</button>
      </div>
      <h3>Leak check</h3>
      {!leakCheck ? (
        <p className="small" data-testid="leak-check-result">No leak check was run on this master.</p>
      ) : findings.length === 0 ? (
        <p className="leak-clean" data-testid="leak-check-result">No face found outside a blurred region in {plural(leakCheck.framesChecked, 'frame')}.</p>
      ) : (
        <>
          <p data-testid="leak-check-result">
            {findings.length === 1 ? 'A possible face was' : `${findings.length} possible faces were`} found outside a blurred region in the {plural(leakCheck.framesChecked, 'frame')} of the master.
            {' '}The check looks hard (a low threshold): some may be false alarms.
          </p>
          <p className="small fix-hint">
            <b>A real leak is fixed in the project:</b> go to the frame, add or adjust a track there, and export again. Waive a finding only when
            it may stay visible (not a face, consent given): the waiver is signed with your name, with its reason, in the report and the log.
          </p>
          <AddFindingTracks findings={findings} />
          <ol className="findings" data-testid="findings">
            {findings.map((f) => (
              <Finding key={f.id} finding={f} clock={clock} />
            ))}
          </ol>
          <datalist id="waiver-reasons">
            {reasons.map((r) => (
              <option key={r} value={r} />
            ))}
          </datalist>
        </>
      )}
      {leakCheck && <p className="small">{leakCheck.detector}</p>}
    </div>
  );
}

/**
 * The findings not waived, as tracks: one undoable edit adds a pending leak-check track for each
 * face on the frames no track holds; what tracks hold already is said instead.
 */
function AddFindingTracks({ findings }: { findings: readonly LeakFinding[] }) {
  const store = useEditorStore();
  const project = useEditor((s) => s.project);
  const open = useMemo(() => findings.filter((f) => !f.waiver), [findings]);
  // Recomputed with every edit: after adding (or its undo) the button says what is left.
  const made = useMemo(() => (project ? tracksForFindings(project, open) : []), [project, open]);
  const toAdd = made.filter((m) => m.added.length > 0).length;
  const held = made.filter((m) => m.added.length === 0 && m.heldBy.length > 0);
  if (open.length === 0) return null;
  return (
    <div className="row wrap" data-testid="finding-tracks">
      <button
        onClick={() => store.getState().addTracksForFindings(open)}
        disabled={toAdd === 0}
        data-testid="add-finding-tracks"
        title="Adds a pending track (origin: leak check) over each face where no track is, as one step you can undo; export again to blur them"
      >
        Add tracks for these findings
      </button>
      <span className="small" data-testid="finding-tracks-status">
        {toAdd > 0
          ? `${plural(toAdd, 'finding')} without a track`
          : `Every finding is on a track (${[...new Set(held.flatMap((m) => m.heldBy))].join(', ')}): export again to check the master.`}
      </span>
    </div>
  );
}

/** One face found showing: its picture, frames, confidence, a way to look at it, and its waiver. */
function Finding({ finding: f, clock }: { finding: LeakFinding; clock: FrameClock }) {
  const store = useEditorStore();
  return (
    <li className="finding" data-testid="finding" data-finding={f.id} data-waived={f.waiver !== null}>
      {f.thumbnail ? (
        <img className="thumb" src={f.thumbnail} alt={`The face of ${f.id} on frame ${f.peakFrame}`} data-testid="finding-thumbnail" />
      ) : (
        <div className="thumb none small">no picture</div>
      )}
      <div className="finding-body">
        <div>
          <strong>{f.id}</strong> <span className="small">· {plural(f.frames.length, 'frame')} · confidence {Math.round(f.confidence * 100)}%</span>
        </div>
        <div className="small" data-testid="finding-frames">Frames {frameRuns(f.frames)}</div>
        <div className="row">
          <button onClick={() => store.getState().lookAtFinding(f)} data-testid="finding-go" title="Show this frame in the player, the face marked (the dialog waits in a bar at the top)">
            Go to frame {f.peakFrame}
          </button>
          <span className="small">{timecode(clock, f.peakFrame)} · its most confident detection</span>
        </div>
        {f.waiver ? (
          <div className="waived" data-testid="finding-waiver">
            Waived by {f.waiver.by}: “{f.waiver.reason}” <span className="small">({new Date(f.waiver.at).toLocaleString()})</span>
          </div>
        ) : (
          <WaiverForm id={f.id} />
        )}
      </div>
    </li>
  );
}

/** A reason (required) and Waive, signed with the current user's name (asked for when there is none). */
function WaiverForm({ id }: { id: string }) {
  const controller = useControllerContext();
  const userName = useEditor((s) => s.userName.trim());
  const [reason, setReason] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (!reason.trim()) {
      setError('A waiver needs a reason: say why this may stay visible.');
      return;
    }
    setError(null);
    setBusy(true);
    try {
      await controller.waiveFinding(id, reason);
    } finally {
      setBusy(false);
    }
  }

  return (
    <form className="waiver" onSubmit={submit} data-testid="waiver-form">
      <div className="row">
        <input
          className="path"
          value={reason}
          onChange={(e) => setReason(e.target.value)}
          placeholder="Why this may stay visible (required)"
          aria-label={`Reason to waive ${id}`}
          list="waiver-reasons"
          aria-invalid={error !== null}
        />
        <button type="submit" disabled={busy} data-testid="waive">Waive</button>
      </div>
      <div className="small">{userName ? `Signed as ${userName}.` : 'Signed with your name: you are asked for it first.'}</div>
      {error && <p className="error" role="alert" data-testid="waiver-error">{error}</p>}
    </form>
  );
}

/** The export dialog put aside while a finding is looked at in the player. */
export function MinimisedExport() {
  const store = useEditorStore();
  const outcome = useEditor((s) => s.renderJob?.exported ?? null);
  const focus = useEditor((s) => s.leakFocus);
  const open = outcome?.leakCheck?.findings.filter((f) => !f.waiver).length ?? 0;
  return (
    <div className={`export-minimised ${outcome?.approvedExport ? 'approved' : ''}`} role="status" data-testid="export-minimised">
      <button className="primary" onClick={() => store.getState().openExportDialog(true)} data-testid="export-restore">Back to the export</button>
      <span>
        Export: {outcome ? (outcome.approvedExport ? 'approved export' : 'not an approved export') : 'finished'}
        {open > 0 && <> · {plural(open, 'leak-check finding')} without a waiver</>}
        {focus && <> · {focus.id} is marked in red on frame {focus.peakFrame}</>}
      </span>
      <button className="link" onClick={() => store.getState().openExportDialog(false)} aria-label="Dismiss the export bar">Dismiss</button>
    </div>
  );
}
