import { useState } from 'react';
import { useControllerContext } from '../controllerContext';
import { useEditor, useEditorStore } from '../store';
import { timecode } from '../time';

/** Transport, frame number and timecode, jump, preview toggle, picture zoom and the box tool. */
export function PlayerControls() {
  const store = useEditorStore();
  const controller = useControllerContext();
  const source = useEditor((s) => s.project?.source);
  const frame = useEditor((s) => s.frame);
  const rate = useEditor((s) => s.rate);
  const showOriginal = useEditor((s) => s.showOriginal);
  const zoom = useEditor((s) => s.pictureZoom);
  const tool = useEditor((s) => s.tool);
  const editable = useEditor((s) => s.role === 'editor');
  const protective = useEditor((s) => s.protectiveView);
  const audioMuted = useEditor((s) => s.audioMuted);
  const [jump, setJump] = useState('');
  if (!source) return null;

  function jumpTo() {
    const text = jump.trim();
    const parts = text.split(':').map(Number);
    if (parts.some((n) => !Number.isFinite(n))) {
      store.getState().notify('error', `"${text}" is not a frame number or a timecode (hh:mm:ss:ff)`);
      return;
    }
    const rateRounded = Math.round(source!.frameRate.num / source!.frameRate.den);
    const target = parts.length === 1 ? parts[0] : ((parts.at(-4) ?? 0) * 3600 + (parts.at(-3) ?? 0) * 60 + (parts.at(-2) ?? 0)) * rateRounded + parts.at(-1)!;
    store.getState().seekTo(target);
    setJump('');
    // Back to the editor's keys (arrows step frames again).
    (document.activeElement as HTMLElement | null)?.blur();
  }

  return (
    <div className="player-controls">
      <button onClick={() => controller.command('first-frame')} title="First frame (Home)">|◀◀</button>
      <button onClick={() => controller.command('step-back')} title="One frame back (←)" data-testid="step-back">◀︎|</button>
      <button onClick={() => controller.command('play-pause')} title="Play / pause (Space)" data-testid="play">{rate === 0 ? '▶︎' : '❚❚'}</button>
      <button onClick={() => controller.command('step-forward')} title="One frame forward (→)" data-testid="step-forward">|▶︎</button>
      <button onClick={() => controller.command('last-frame')} title="Last frame (End)">▶▶|</button>
      <span className="frame-readout" data-testid="frame-readout">
        frame <b data-testid="frame-number">{frame}</b> / {source.frameCount - 1} · <span data-testid="timecode">{timecode(source, frame)}</span>
        {rate !== 0 && rate !== 1 && <> · {rate}×</>}
      </span>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          jumpTo();
        }}
      >
        <input className="jump" value={jump} onChange={(e) => setJump(e.target.value)} placeholder="go to frame or 00:00:00:00" aria-label="Go to frame" />
      </form>
      <span className="spacer" />
      {editable && (
        <button className={tool === 'draw' ? 'active' : ''} onClick={() => controller.command('draw-tool')} title="Draw a box to start a manual track (B)" data-testid="draw-tool">
          ▭ Add box
        </button>
      )}
      <button
        className={protective.on ? 'active' : ''}
        onClick={() => controller.command('protective-view')}
        title="Protective view: the picture in grey, the sound off (G). Never changes the export."
        data-testid="protective-view"
      >
        ◐ Protective
      </button>
      {protective.on && (
        <>
          <label className="toggle" title="Blur everything but the selected tracks; reviewing, the tracks without a decision (Shift+G)">
            <input type="checkbox" checked={protective.outsideBlur} onChange={() => controller.command('protective-outside-blur')} data-testid="protective-outside-blur" /> Blur outside
          </label>
          <label className="toggle" title="A smaller picture (H)">
            <input type="checkbox" checked={protective.smaller} onChange={() => controller.command('protective-smaller')} data-testid="protective-smaller" /> Smaller
          </label>
        </>
      )}
      <button onClick={() => controller.command('toggle-audio')} title={audioMuted ? 'Sound is off: turn it on (U)' : 'Sound is on: turn it off (U)'} data-testid="audio-toggle" data-muted={audioMuted ? 'yes' : 'no'}>
        {audioMuted ? 'Sound off' : 'Sound on'}
      </button>
      <label className="toggle" title="Show the original picture without the blur (V)">
        <input type="checkbox" checked={showOriginal} onChange={() => controller.command('toggle-original')} data-testid="show-original" /> Original
      </label>
      <button onClick={() => store.getState().setPictureZoom(zoom / 1.5)} title="Zoom out of the picture" disabled={zoom <= 1}>−</button>
      <span className="zoom-readout">{Math.round(zoom * 100)}%</span>
      <button onClick={() => store.getState().setPictureZoom(zoom * 1.5)} title="Zoom into the picture (or Ctrl+wheel)">+</button>
    </div>
  );
}
