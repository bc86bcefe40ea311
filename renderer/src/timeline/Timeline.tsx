import { useEffect, useLayoutEffect, useMemo, useRef, useState, type PointerEvent as ReactPointerEvent } from 'react';
import { setTrackSpan } from '../../../core/edits';
import type { Track } from '../../../core/project';
import { keyframeIndexAtOrBefore, trackSpan } from '../../../core/tracks';
import { DECISION_MARKS, decisionText } from '../decisions';
import { useEditor, useEditorStore } from '../store';
import { timecode } from '../time';
import { AudioLane } from './AudioLane';
import { dragSpanEnd, followPointer, type SpanEnd } from './pointerDrag';
import { ThumbnailStrip } from './ThumbnailStrip';
import { visibleTracks } from './visibleTracks';
import { WatchedBar } from './WatchedBar';

const LABEL_WIDTH = 132;
const LANE_HEIGHT = 24;
const RULER_HEIGHT = 22;

/** A readable tick spacing (in frames) for the ruler at this zoom: at least ~80 px apart. */
function tickStep(pxPerFrame: number, fps: number): number {
  const steps = [1, 2, 5, 10, fps, 2 * fps, 5 * fps, 10 * fps, 30 * fps, 60 * fps, 120 * fps, 300 * fps, 600 * fps, 1800 * fps, 3600 * fps];
  return Math.round(steps.find((s) => s * pxPerFrame >= 80) ?? 3600 * fps);
}

/**
 * Lanes of tracks against frames, with a ruler, thumbnails and the playhead. Only what is in view
 * is drawn (lanes by scroll position, keyframes by frame range), so an hour of video with
 * hundreds of tracks stays light.
 */
export function Timeline() {
  const store = useEditorStore();
  const source = useEditor((s) => s.project?.source);
  const playbackUrl = useEditor((s) => s.media?.playbackUrl ?? null);
  const tracks = useEditor((s) => s.project?.tracks);
  const found = useEditor((s) => s.analysis.found);
  const filter = useEditor((s) => s.statusFilter);
  const pxPerFrame = useEditor((s) => s.pxPerFrame);
  const scrollFrame = useEditor((s) => s.scrollFrame);
  const frame = useEditor((s) => s.frame);
  const selectedIds = useEditor((s) => s.selectedIds);
  const range = useEditor((s) => s.range);
  const areaRef = useRef<HTMLDivElement>(null);
  const lanesRef = useRef<HTMLDivElement>(null);
  const [width, setWidth] = useState(0);
  const [lanesHeight, setLanesHeight] = useState(0);
  const [scrollTop, setScrollTop] = useState(0);
  const [trim, setTrim] = useState<{ trackId: string; end: SpanEnd; frame: number } | null>(null);
  const decisions = useEditor((s) => s.project?.review.decisions);
  const editable = useEditor((s) => s.role === 'editor');

  useLayoutEffect(() => {
    const area = areaRef.current;
    const lanes = lanesRef.current;
    if (!area || !lanes) return;
    const measure = () => {
      setWidth(area.clientWidth - LABEL_WIDTH);
      setLanesHeight(lanes.clientHeight);
    };
    measure();
    const observer = new ResizeObserver(measure);
    observer.observe(area);
    observer.observe(lanes);
    return () => observer.disconnect();
  }, [source]);

  const shown = useMemo(() => visibleTracks(tracks ?? [], found, filter), [tracks, found, filter]);

  // A newly opened clip starts fitted to the timeline's width.
  const fittedSource = useRef<object | null>(null);
  useEffect(() => {
    if (!source || width <= 0 || fittedSource.current === source) return;
    fittedSource.current = source;
    store.getState().setZoom(width / source.frameCount, 0);
  }, [source, width, store]);

  // The playhead stays in view while playing, stepping or jumping.
  useEffect(() => {
    const s = store.getState();
    const x = (frame - s.scrollFrame) * s.pxPerFrame;
    if (width > 0 && (x < 0 || x > width)) s.scrollTo(frame - (0.1 * width) / s.pxPerFrame);
  }, [frame, width, store]);

  if (!source) return null;

  const fps = source.frameRate.num / source.frameRate.den;
  const framesInView = width / pxPerFrame;
  const lastFrame = source.frameCount - 1;
  const xOf = (f: number) => (f - scrollFrame) * pxPerFrame;
  const frameAt = (clientX: number) => {
    const rect = areaRef.current!.getBoundingClientRect();
    return Math.max(0, Math.min(lastFrame, Math.floor(scrollFrame + (clientX - rect.left - LABEL_WIDTH) / pxPerFrame)));
  };

  const firstLane = Math.max(0, Math.floor(scrollTop / LANE_HEIGHT) - 2);
  const lastLane = Math.min(shown.length, Math.ceil((scrollTop + lanesHeight) / LANE_HEIGHT) + 2);

  function onRulerDown(e: ReactPointerEvent<HTMLElement>) {
    const start = frameAt(e.clientX);
    // Shift-drag on the ruler selects the analysis range; a plain drag scrubs.
    const selectingRange = e.shiftKey;
    if (selectingRange) store.getState().setRange({ first: start, last: start });
    else store.getState().seekTo(start);
    followPointer(e, (ev) => {
      const f = frameAt(ev.clientX);
      if (selectingRange) store.getState().setRange({ first: start, last: f });
      else store.getState().seekTo(f);
    });
  }

  function onLaneDown(e: ReactPointerEvent, track: Track, isFound: boolean) {
    if (isFound) return;
    const f = frameAt(e.clientX);
    const span = trackSpan(track);
    if (e.shiftKey) store.getState().toggleSelected(track.id);
    else store.getState().select([track.id]);
    store.getState().seekTo(f >= span.first && f <= span.last ? f : span.first);
  }

  function onTrimDown(e: ReactPointerEvent<HTMLElement>, track: Track, end: SpanEnd) {
    store.getState().select([track.id]);
    const span = trackSpan(track);
    dragSpanEnd(
      e,
      span,
      end,
      frameAt,
      (f) => setTrim({ trackId: track.id, end, frame: f }),
      (changed) => {
        setTrim(null);
        if (!changed) return;
        const { first, last } = changed;
        store.getState().edit((p) => setTrackSpan(p, track.id, first, last), `${first < span.first || last > span.last ? 'Extend' : 'Trim'} ${track.id} to frames ${first}–${last}`);
      },
    );
  }

  const step = tickStep(pxPerFrame, Math.round(fps));
  const ticks: number[] = [];
  for (let f = Math.floor(scrollFrame / step) * step; f <= Math.min(lastFrame, scrollFrame + framesInView); f += step) ticks.push(f);

  return (
    <section
      className="timeline"
      aria-label="Timeline"
      onWheel={(e) => {
        const s = store.getState();
        if (e.ctrlKey || e.metaKey) s.setZoom(s.pxPerFrame * (e.deltaY < 0 ? 1.25 : 0.8), frameAt(e.clientX));
        else if (Math.abs(e.deltaX) > Math.abs(e.deltaY) || e.shiftKey) s.scrollTo(Math.min(lastFrame, s.scrollFrame + ((e.deltaX || e.deltaY) / s.pxPerFrame)));
      }}
    >
      <div className="timeline-area" ref={areaRef}>
        <div className="ruler" style={{ height: RULER_HEIGHT }} onPointerDown={onRulerDown} data-testid="ruler">
          <div className="lane-label">{timecode(source, frame)}</div>
          <div className="lane-content">
            {ticks.map((f) => (
              <span key={f} className="tick" style={{ left: xOf(f) }}>
                {step < fps ? f : timecode(source, f).slice(0, 8)}
              </span>
            ))}
            {range && <div className="range" style={{ left: xOf(range.first), width: (range.last - range.first + 1) * pxPerFrame }} title={`Analysis range ${range.first}–${range.last}`} />}
          </div>
        </div>
        <WatchedBar source={source} width={width} scrollFrame={scrollFrame} pxPerFrame={pxPerFrame} />
        {playbackUrl && (
          <div className="thumb-row">
            <div className="lane-label">Thumbnails</div>
            <ThumbnailStrip source={source} playbackUrl={playbackUrl} width={width} scrollFrame={scrollFrame} pxPerFrame={pxPerFrame} />
          </div>
        )}
        <div className="lanes" ref={lanesRef} onScroll={(e) => setScrollTop(e.currentTarget.scrollTop)} data-testid="lanes">
          <div style={{ height: shown.length * LANE_HEIGHT, position: 'relative' }}>
            {shown.slice(firstLane, lastLane).map(({ track, isFound }, i) => {
              const span = trackSpan(track);
              const first = trim?.trackId === track.id && trim.end === 'first' ? trim.frame : span.first;
              const last = trim?.trackId === track.id && trim.end === 'last' ? trim.frame : span.last;
              const left = Math.max(-2, xOf(first));
              const right = Math.min(width + 2, xOf(last + 1));
              // Binary search: a track of an hour-long clip has tens of thousands of keyframes.
              const kfs = track.keyframes.slice(
                keyframeIndexAtOrBefore(track.keyframes, scrollFrame - 1) + 1,
                keyframeIndexAtOrBefore(track.keyframes, scrollFrame + framesInView) + 1,
              );
              // At low zoom keyframes would merge into a bar: show at most one per 3 px.
              const every = Math.max(1, Math.ceil(kfs.length / Math.max(1, width / 3)));
              const decision = isFound ? undefined : decisions?.[track.id];
              const trimmable = !isFound && editable;
              return (
                <div
                  key={track.id}
                  className={`lane status-${track.status} origin-${track.origin}${selectedIds.includes(track.id) ? ' selected' : ''}${isFound ? ' found' : ''}${decision ? ` decision-${decision.decision}` : ''}`}
                  style={{ top: (firstLane + i) * LANE_HEIGHT, height: LANE_HEIGHT }}
                  data-testid="lane"
                  data-track={track.id}
                  data-origin={track.origin}
                  data-decision={decision?.decision ?? 'none'}
                >
                  <div
                    className="lane-label"
                    onPointerDown={(e) => onLaneDown(e, track, isFound)}
                    title={`${track.id}: ${track.status}, ${track.object ? `${track.object.label} marked by ${track.object.markedBy}` : track.origin}${decision ? ` — ${decisionText(decision)}` : ''}`}
                  >
                    <span className={`dot status-${track.status}`} /> {track.id}
                    {track.object && (
                      <span className="object-tag" data-testid="object-tag">
                        {track.object.label}
                      </span>
                    )}
                    {decision && (
                      <span className={`decision decision-${decision.decision}`} title={decisionText(decision)} data-testid="lane-decision">
                        {DECISION_MARKS[decision.decision]}
                      </span>
                    )}
                  </div>
                  <div className="lane-content" onPointerDown={(e) => onLaneDown(e, track, isFound)}>
                    {right > left && (
                      <div className="span" style={{ left, width: Math.max(2, right - left) }}>
                        {track.origin === 'person' && (
                          <span className="possible-face-tag" title="Possible face: a person was found here whose face no detector saw. Check the head is hidden, or reject (X)." data-testid="possible-face-tag">
                            possible face
                          </span>
                        )}
                        {trimmable && <div className="trim trim-first" onPointerDown={(e) => onTrimDown(e, track, 'first')} title="Drag to trim or extend the start" />}
                        {trimmable && <div className="trim trim-last" onPointerDown={(e) => onTrimDown(e, track, 'last')} title="Drag to trim or extend the end" />}
                      </div>
                    )}
                    {kfs
                      .filter((_, k) => k % every === 0)
                      .map((k) => (
                        <span key={k.frame} className={`kf${k.confidence === null ? ' manual' : ''}`} style={{ left: xOf(k.frame) + pxPerFrame / 2 }} />
                      ))}
                  </div>
                </div>
              );
            })}
          </div>
          {shown.length === 0 && <div className="lanes-empty">No tracks{tracks?.length ? ' match the filter' : ' yet: detect faces or draw a box on the picture'}.</div>}
        </div>
        <AudioLane source={source} width={width} scrollFrame={scrollFrame} pxPerFrame={pxPerFrame} height={LANE_HEIGHT} frameAt={frameAt} />
        <div className="playhead" style={{ left: LABEL_WIDTH + xOf(frame) + pxPerFrame / 2, display: xOf(frame) < 0 || xOf(frame) > width ? 'none' : undefined }} />
      </div>
      <div className="timeline-scroll">
        <input
          type="range"
          min={0}
          max={Math.max(0, source.frameCount - framesInView)}
          step="any"
          value={Math.min(scrollFrame, Math.max(0, source.frameCount - framesInView))}
          onChange={(e) => store.getState().scrollTo(Number(e.target.value))}
          aria-label="Scroll the timeline"
        />
        <button onClick={() => store.getState().zoomBy(1 / 1.5)} title="Zoom out (−)">−</button>
        <button onClick={() => store.getState().setZoom(width / source.frameCount, 0)} title="Whole clip">Fit</button>
        <button onClick={() => store.getState().zoomBy(1.5)} title="Zoom in (+)">+</button>
      </div>
    </section>
  );
}
