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
