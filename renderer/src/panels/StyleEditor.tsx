import { setStyle } from '../../../core/edits';
import type { BlurStyle, Track } from '../../../core/project';
import { useEditorStore } from '../store';

type NumberField = 'strength' | 'feather' | 'padding';

const RANGES: Record<NumberField, { min: number; max: number; step: number; label: string }> = {
  strength: { min: 0.1, max: 3, step: 0.1, label: 'Strength' },
  feather: { min: 0, max: 1, step: 0.05, label: 'Feather' },
  padding: { min: 0, max: 2, step: 0.05, label: 'Padding' },
};

/** Per-track blur style; each change is one undoable edit. */
export function StyleEditor({ track }: { track: Track }) {
  const store = useEditorStore();
  const change = (patch: Partial<BlurStyle>) => {
    const s = store.getState();
    s.edit((p) => setStyle(p, [track.id], { ...track.style, ...patch }), `Style of ${track.id}`, true);
  };
  return (
    <div className="style-editor">
      <div className="row">
        <label>
          Type
          <select value={track.style.type} onChange={(e) => change({ type: e.target.value as BlurStyle['type'] })}>
            <option value="gaussian">Blur</option>
            <option value="pixelate">Pixelate</option>
            <option value="solid">Solid</option>
          </select>
        </label>
        <label>
          Shape
          <select value={track.style.shape} onChange={(e) => change({ shape: e.target.value as BlurStyle['shape'] })}>
            <option value="ellipse">Ellipse</option>
            <option value="rect">Rectangle</option>
          </select>
        </label>
      </div>
      {(Object.keys(RANGES) as NumberField[]).map((field) => (
        <label key={field} className="slider">
          {RANGES[field].label}
          <input
            type="range"
            min={RANGES[field].min}
            max={RANGES[field].max}
            step={RANGES[field].step}
            value={track.style[field]}
            onChange={(e) => change({ [field]: Number(e.target.value) })}
          />
          <span>{track.style[field].toFixed(2)}</span>
        </label>
      ))}
    </div>
  );
}
