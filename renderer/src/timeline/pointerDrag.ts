import type { PointerEvent as ReactPointerEvent } from 'react';

/** Follows a pointer from a pointerdown until it is released (captured, so it may leave the element). */
export function followPointer(e: ReactPointerEvent<HTMLElement>, onMove: (ev: PointerEvent) => void, onUp: () => void = () => {}): void {
  const target = e.currentTarget;
  target.setPointerCapture(e.pointerId);
  const up = () => {
    target.removeEventListener('pointermove', onMove);
    target.removeEventListener('pointerup', up);
    target.removeEventListener('pointercancel', up);
    onUp();
  };
  target.addEventListener('pointermove', onMove);
  target.addEventListener('pointerup', up);
  target.addEventListener('pointercancel', up);
}

export type SpanEnd = 'first' | 'last';

/**
 * Drags one end of a span of frames on a lane: `onMove` gets the end's frame while dragging (never
 * past the other end); on release `onDone` gets the new span, or null when it did not change.
 */
export function dragSpanEnd(
  e: ReactPointerEvent<HTMLElement>,
  span: { first: number; last: number },
  end: SpanEnd,
  frameAt: (clientX: number) => number,
  onMove: (frame: number) => void,
  onDone: (changed: { first: number; last: number } | null) => void,
): void {
  e.stopPropagation();
  let current = span[end];
  onMove(current);
  followPointer(
    e,
    (ev) => {
      current = end === 'first' ? Math.min(frameAt(ev.clientX), span.last) : Math.max(frameAt(ev.clientX), span.first);
      onMove(current);
    },
    () => {
      const first = end === 'first' ? current : span.first;
      const last = end === 'last' ? current : span.last;
      onDone(first !== span.first || last !== span.last ? { first, last } : null);
    },
  );
}
