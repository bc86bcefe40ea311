import { useMemo } from 'react';
import type { FrameRange, SourceInfo } from '../../../core/project';
import { framesIn, lowConfidenceRanges } from '../../../core/review';
import { useEditor, useEditorStore } from '../store';
import { rangesInView, watchedPercent } from './watched';

const NONE: FrameRange[] = [];
/** Marks closer than this on screen are drawn (and clicked) as one. */
const MARK_MIN_GAP_PX = 4;

interface BarProps {
  source: SourceInfo;
  width: number;
  scrollFrame: number;
  pxPerFrame: number;
}

/**
 * Under the ruler: the frames the reviewer has watched (filled), with the share of the clip, and
 * the frames with low-confidence detections as marks that seek there when clicked.
 */
export function WatchedBar({ source, width, scrollFrame, pxPerFrame }: BarProps) {
  const store = useEditorStore();
  const watched = useEditor((s) => s.project?.review.watched ?? NONE);
  const tracks = useEditor((s) => s.project?.tracks);
  const low = useMemo(() => lowConfidenceRanges(tracks ?? []), [tracks]);
  const to = scrollFrame + width / pxPerFrame;
  const xOf = (f: number) => (f - scrollFrame) * pxPerFrame;
  const count = framesIn(watched);
  const percent = watchedPercent(watched, source.frameCount);

  return (
    <div className="watched-row" data-testid="watched-bar">
      <div className="lane-label" title={`${count} of ${source.frameCount} frames watched in reviewer mode; marks: low-confidence detections`}>
        Watched <b data-testid="watched-percent" data-frames={count}>{percent}%</b>
      </div>
      <div className="lane-content">
        {rangesInView(watched, scrollFrame, to, pxPerFrame, 1).map((r) => (
          <div key={r.first} className="watched" style={{ left: xOf(r.first), width: Math.max(1, (r.last - r.first + 1) * pxPerFrame) }} />
        ))}
        {rangesInView(low, scrollFrame, to, pxPerFrame, MARK_MIN_GAP_PX).map((r) => (
          <button
            key={r.first}
            className="low-confidence"
            style={{ left: xOf(r.first), width: Math.max(3, (r.last - r.first + 1) * pxPerFrame) }}
            onClick={() => store.getState().seekTo(r.first)}
            title={`Low-confidence detection, frames ${r.first}–${r.last}: click to go there`}
            aria-label={`Low-confidence detection at frames ${r.first}–${r.last}`}
            data-testid="low-confidence"
          />
        ))}
      </div>
    </div>
  );
}
