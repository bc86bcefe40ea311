import { formatDuration } from '../../../core/progress';
import { isPresetName } from '../../../core/presets';
import { useControllerContext } from '../controllerContext';
import { fileName } from '../paths';
import { useEditor, useEditorStore } from '../store';

/** Detection: preset, range (whole clip or I/O marks), start, progress with ETA, cancel. */
export function AnalysisPanel() {
  const store = useEditorStore();
  const controller = useControllerContext();
  const analysis = useEditor((s) => s.analysis);
  const range = useEditor((s) => s.range);
  const frameCount = useEditor((s) => s.project?.source.frameCount ?? 0);
  const active = analysis.status === 'starting' || analysis.status === 'running';
  const progress = analysis.progress;
  return (
    <div className="panel analysis-panel" data-testid="analysis-panel">
      <h3>Detect faces</h3>
      <div className="row">
        <select
          value={analysis.preset}
          disabled={active}
          onChange={(e) => isPresetName(e.target.value) && store.getState().setPreset(e.target.value)}
          aria-label="Detection preset"
        >
          <option value="thorough">Thorough (for export)</option>
          <option value="fast">Fast (preview)</option>
        </select>
        {active ? (
          <button onClick={() => controller.cancelAnalysis()} data-testid="cancel-analysis">Cancel</button>
        ) : (
          <button className="primary" onClick={() => controller.startAnalysis()} data-testid="start-analysis">
            Detect {range ? `frames ${range.first}–${range.last}` : 'whole clip'}
          </button>
        )}
      </div>
      <DetectorModelRow disabled={active} />
      <div className="row small">
        {range ? (
          <>
            Range {range.first}–{range.last} ({range.last - range.first + 1} of {frameCount} frames)
            <button className="link" onClick={() => store.getState().setRange(null)} disabled={active}>whole clip</button>
          </>
        ) : (
          <>Whole clip. Set a range with I / O at the playhead, or shift-drag on the ruler.</>
        )}
      </div>
      {analysis.status !== 'idle' && (
        <div className="job" data-testid="analysis-status" data-status={analysis.status}>
          {active && <progress max={1} value={progress?.ratio ?? 0} />}
          <div className="small">
            {analysis.status === 'failed' ? <span className="error">Failed: {analysis.error}</span> : analysis.stage}
            {active && progress && (
              <>
                {' '}· {Math.round(progress.ratio * 100)}% · {progress.fps.toFixed(1)} fps · {progress.etaSeconds === null ? 'estimating…' : `${formatDuration(progress.etaSeconds)} left`}
              </>
            )}
            {active && analysis.found.length > 0 && <> · {analysis.found.length} track{analysis.found.length === 1 ? '' : 's'} so far</>}
          </div>
        </div>
      )}
    </div>
  );
}

const FORMAT_NAMES = { yunet: 'YuNet', scrfd: 'SCRFD', centerface: 'CenterFace' } as const;

/** The user's own ONNX face model: which one searches beside the built-in ones, or a button to choose one. */
function DetectorModelRow({ disabled }: { disabled: boolean }) {
  const controller = useControllerContext();
  const setting = useEditor((s) => s.analysis.detectorModel);
  if (!setting) {
    return (
      <div className="row small">
        Built-in face models.
        <button className="link" onClick={() => void controller.chooseDetectorModel()} disabled={disabled} data-testid="choose-detector-model">
          Add your own ONNX model…
        </button>
      </div>
    );
  }
  const { model, problem } = setting;
  return (
    <div className="row small" data-testid="detector-model" title={`${model.file}\nSHA-256 ${model.sha256}`}>
      Also your model: {fileName(model.file)} ({FORMAT_NAMES[model.format]})
      {problem && <span className="error"> — not used: {problem}</span>}
      <button className="link" onClick={() => void controller.removeDetectorModel()} disabled={disabled} data-testid="remove-detector-model">
        Remove
      </button>
    </div>
  );
}
