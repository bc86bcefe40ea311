import { useMemo, useRef, useState, type PointerEvent as ReactPointerEvent } from 'react';
import { setBoxAt } from '../../../core/edits';
import type { Box } from '../../../core/geometry';
import type { Track } from '../../../core/project';
import { regionFor } from '../../../core/renderPlan';
import { trackSpan } from '../../../core/tracks';
import { useControllerContext } from '../controllerContext';
import { useEditor, useEditorStore } from '../store';
import { tracksOnFrame } from './regions';

/** How a drag changes a box: move it, or resize from a corner. */
type DragMode = 'move' | 'nw' | 'ne' | 'sw' | 'se' | 'draw';

interface Drag {
  mode: DragMode;
  trackId: string | null;
  start: { x: number; y: number };
  origin: Box;
  box: Box;
}

const MIN_SIDE = 4;

function dragBox(drag: Drag, x: number, y: number): Box {
  const dx = x - drag.start.x;
  const dy = y - drag.start.y;
  const o = drag.origin;
  if (drag.mode === 'move') return { ...o, x: o.x + dx, y: o.y + dy };
  if (drag.mode === 'draw') {
    return { x: Math.min(drag.start.x, x), y: Math.min(drag.start.y, y), width: Math.abs(dx), height: Math.abs(dy) };
  }
  let { x: x0, y: y0 } = o;
  let x1 = o.x + o.width;
  let y1 = o.y + o.height;
  if (drag.mode.includes('w')) x0 = Math.min(x1 - MIN_SIDE, x0 + dx);
  if (drag.mode.includes('e')) x1 = Math.max(x0 + MIN_SIDE, x1 + dx);
  if (drag.mode.includes('n')) y0 = Math.min(y1 - MIN_SIDE, y0 + dy);
  if (drag.mode.includes('s')) y1 = Math.max(y0 + MIN_SIDE, y1 + dy);
  return { x: x0, y: y0, width: x1 - x0, height: y1 - y0 };
}

/** The selected track's box outside its span: its nearest end, shown dashed; dragging it extends the track. */
function ghostBox(track: Track, frame: number): Box | null {
  const span = trackSpan(track);
  if (frame >= span.first && frame <= span.last) return null;
  return { ...(frame < span.first ? track.keyframes[0] : track.keyframes[track.keyframes.length - 1]).box };
}

/**
 * Track boxes over the picture, in source pixels (the SVG's viewBox is the source size): the region
 * the render blurs for every track on this frame, and for the selected track its face box with
 * handles. Drawing on empty picture with the box tool starts a manual track.
 */
export function Overlay({ width, height, scale }: { width: number; height: number; /** Screen pixels per source pixel. */ scale: number }) {
  const store = useEditorStore();
  const controller = useControllerContext();
  const frame = useEditor((s) => s.frame);
  const tracks = useEditor((s) => s.project?.tracks);
  const found = useEditor((s) => s.analysis.found);
  const selectedIds = useEditor((s) => s.selectedIds);
  const tool = useEditor((s) => s.tool);
  const editable = useEditor((s) => s.role === 'editor');
  // A leak-check finding being looked at, on its frame.
  const leak = useEditor((s) => (s.exportMinimised && s.leakFocus?.peakFrame === s.frame ? s.leakFocus : null));
  const svgRef = useRef<SVGSVGElement>(null);
  const [drag, setDrag] = useState<Drag | null>(null);

  const onFrame = useMemo(() => tracksOnFrame([...(tracks ?? []), ...found], frame), [tracks, found, frame]);
  const selected = tracks?.find((t) => t.id === selectedIds[0]) ?? null;
  const selectedBox = selected ? (onFrame.find((t) => t.track.id === selected.id)?.box ?? ghostBox(selected, frame)) : null;

  function toSource(e: ReactPointerEvent): { x: number; y: number } {
    const rect = svgRef.current!.getBoundingClientRect();
    return { x: ((e.clientX - rect.left) * width) / rect.width, y: ((e.clientY - rect.top) * height) / rect.height };
  }

  function begin(e: ReactPointerEvent, mode: DragMode, trackId: string | null, origin: Box) {
    e.stopPropagation();
    e.preventDefault();
    if (!editable) {
      store.getState().notify('warning', 'Reviewer mode: the boxes are read-only — the reviewer sees the pass as the editor left it. Switch the role to Editor to change them.');
      return;
    }
    store.getState().setRate(0);
    svgRef.current!.setPointerCapture(e.pointerId);
    const start = toSource(e);
    setDrag({ mode, trackId, start, origin, box: origin });
  }

  function move(e: ReactPointerEvent) {
    if (!drag) return;
    const p = toSource(e);
    setDrag({ ...drag, box: dragBox(drag, p.x, p.y) });
  }

  function end() {
    if (!drag) return;
    setDrag(null);
    const { box } = drag;
    const s = store.getState();
    if (!s.project || box.width < MIN_SIDE || box.height < MIN_SIDE) return;
    if (drag.mode === 'draw') controller.addManualTrackAt(s.frame, box);
    else if (drag.trackId && (box.x !== drag.origin.x || box.y !== drag.origin.y || box.width !== drag.origin.width || box.height !== drag.origin.height)) {
      s.edit((p) => setBoxAt(p, drag.trackId!, s.frame, box), `Set the box of ${drag.trackId} on frame ${s.frame}`);
    }
  }

  const editedBox = drag && drag.mode !== 'draw' ? drag.box : selectedBox;
  const handles: DragMode[] = ['nw', 'ne', 'sw', 'se'];
  // Handles keep about 12 screen pixels whatever the zoom.
  const handle = 12 / scale;

  return (
    <svg
      ref={svgRef}
      className={`overlay tool-${tool}`}
      viewBox={`0 0 ${width} ${height}`}
      preserveAspectRatio="none"
      data-testid="overlay"
      onPointerDown={(e) => {
        if (tool === 'draw') {
          const p = toSource(e);
          begin(e, 'draw', null, { ...p, width: 0, height: 0 });
        } else {
          store.getState().select([]);
        }
      }}
      onPointerMove={move}
      onPointerUp={end}
      onPointerCancel={() => setDrag(null)}
    >
      {onFrame.map(({ track, region }) => {
        const isSelected = selectedIds.includes(track.id);
        const shape = region.shape === 'ellipse' ? 'ellipse' : 'rect';
        const b = region.box;
        const props = {
          className: `region status-${track.status} origin-${track.origin}${isSelected ? ' selected' : ''}${found.includes(track) ? ' found' : ''}`,
          'data-track': track.id,
          onPointerDown: (e: ReactPointerEvent) => {
            if (tool === 'draw' || found.includes(track)) return;
            e.stopPropagation();
            if (e.shiftKey) store.getState().toggleSelected(track.id);
            else store.getState().select([track.id]);
          },
        };
        return shape === 'ellipse' ? (
          <ellipse key={track.id} cx={b.x + b.width / 2} cy={b.y + b.height / 2} rx={b.width / 2} ry={b.height / 2} {...props} />
        ) : (
          <rect key={track.id} x={b.x} y={b.y} width={b.width} height={b.height} {...props} />
        );
      })}
      {selected && editedBox && (
        <g className={`edit-box${editable ? '' : ' read-only'}${selectedBox && !onFrame.some((t) => t.track.id === selected.id) && !drag ? ' ghost' : ''}`} data-testid="edit-box">
          {drag && drag.mode !== 'draw' && (() => {
            const r = regionFor(selected, drag.box).box;
            return <ellipse className="region selected dragging" cx={r.x + r.width / 2} cy={r.y + r.height / 2} rx={r.width / 2} ry={r.height / 2} />;
          })()}
          <rect
            className="face-box"
            x={editedBox.x}
            y={editedBox.y}
            width={editedBox.width}
            height={editedBox.height}
            onPointerDown={(e) => begin(e, 'move', selected.id, editedBox)}
          />
          {editable && handles.map((h) => (
            <rect
              key={h}
              className={`handle handle-${h}`}
              x={(h.includes('w') ? editedBox.x : editedBox.x + editedBox.width) - handle / 2}
              y={(h.includes('n') ? editedBox.y : editedBox.y + editedBox.height) - handle / 2}
              width={handle}
              height={handle}
              onPointerDown={(e) => begin(e, h, selected.id, editedBox)}
            />
          ))}
        </g>
      )}
      {leak && (
        <g className="leak-mark" data-testid="leak-mark" data-finding={leak.id}>
          <rect x={leak.box.x} y={leak.box.y} width={leak.box.width} height={leak.box.height} />
          <text x={leak.box.x} y={leak.box.y - 6 / scale} fontSize={13 / scale}>{leak.id}: found by the leak check</text>
        </g>
      )}
      {drag?.mode === 'draw' && <rect className="draw-box" x={drag.box.x} y={drag.box.y} width={drag.box.width} height={drag.box.height} />}
    </svg>
  );
}
