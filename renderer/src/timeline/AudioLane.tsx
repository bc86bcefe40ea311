import { useState, type PointerEvent as ReactPointerEvent } from 'react';
import type { AudioRedaction, SourceInfo } from '../../../core/project';
import { AUDIO_MODE_LABELS, redactionFrames, setRedactionFrames } from '../audioRedactions';
import { useEditor, useEditorStore } from '../store';
import { dragSpanEnd, type SpanEnd } from './pointerDrag';

const NONE: AudioRedaction[] = [];

interface LaneProps {
  source: SourceInfo;
  width: number;
  scrollFrame: number;
  pxPerFrame: number;
  height: number;
  /** The frame under a pointer position. */
  frameAt(clientX: number): number;
}

/**
 * The audio lane under the tracks: mute and bleep ranges, selected by a click, their ends dragged
 * to move them (editor only), and the start of a range being marked with R.
 */
export function AudioLane({ source, width, scrollFrame, pxPerFrame, height, frameAt }: LaneProps) {
  const store = useEditorStore();
  const redactions = useEditor((s) => s.project?.audioRedactions ?? NONE);
  const selectedId = useEditor((s) => s.selectedAudioId);
  const mark = useEditor((s) => s.audioMark);
  const editable = useEditor((s) => s.role === 'editor');
  const [trim, setTrim] = useState<{ id: string; end: SpanEnd; frame: number } | null>(null);
  const xOf = (f: number) => (f - scrollFrame) * pxPerFrame;

  function onTrimDown(e: ReactPointerEvent<HTMLElement>, redaction: AudioRedaction, end: SpanEnd) {
    store.getState().selectAudio(redaction.id);
    dragSpanEnd(
      e,
      redactionFrames(source, redaction),
      end,
      frameAt,
      (frame) => setTrim({ id: redaction.id, end, frame }),
      (changed) => {
        setTrim(null);
        if (changed) {
          const { first, last } = changed;
          store.getState().edit((p) => setRedactionFrames(p, redaction.id, first, last), `Move audio redaction ${redaction.id} to frames ${first}–${last}`);
        }
      },
    );
  }

  return (
    <div className="audio-lane" style={{ height }} data-testid="audio-lane" aria-label="Audio redactions">
      <div className="lane-label" title="Audio redactions: press R at the start and at the end of what must not be heard">
        Audio
      </div>
      <div className="lane-content" onPointerDown={() => store.getState().selectAudio(null)}>
        {redactions.map((r) => {
          const span = redactionFrames(source, r);
          const first = trim?.id === r.id && trim.end === 'first' ? trim.frame : span.first;
          const last = trim?.id === r.id && trim.end === 'last' ? trim.frame : span.last;
          const left = xOf(first);
          const right = xOf(last + 1);
          if (right < 0 || left > width) return null;
          const what = `${AUDIO_MODE_LABELS[r.mode]}${r.label ? `: ${r.label}` : ''}`;
          return (
            <div
              key={r.id}
              className={`audio-span mode-${r.mode}${selectedId === r.id ? ' selected' : ''}`}
              style={{ left, width: Math.max(3, right - left) }}
              title={`${r.id}: ${what} (frames ${span.first}–${span.last}, ${r.startSeconds.toFixed(2)}–${r.endSeconds.toFixed(2)} s)`}
              onPointerDown={(e) => {
                e.stopPropagation();
                store.getState().selectAudio(r.id);
              }}
              data-testid="audio-redaction"
              data-id={r.id}
              data-mode={r.mode}
            >
              <span className="audio-text">{what}</span>
              {editable && <div className="trim trim-first" onPointerDown={(e) => onTrimDown(e, r, 'first')} title="Drag to move the start" />}
              {editable && <div className="trim trim-last" onPointerDown={(e) => onTrimDown(e, r, 'last')} title="Drag to move the end" />}
            </div>
          );
        })}
        {mark !== null && <div className="audio-mark" style={{ left: xOf(mark) }} title={`Audio redaction from frame ${mark}: press R where it ends`} data-testid="audio-mark" />}
      </div>
    </div>
  );
}
