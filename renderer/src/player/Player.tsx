import { useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';
import { useEditor, useEditorStore } from '../store';
import { fpsOf, frameAtTime, seekTimeOf } from '../time';
import { Overlay } from './Overlay';
import { drawPreview } from './preview';
import { renderedRegions, tracksOnFrame } from './regions';
import { padBox } from '../../../core/geometry';
import { SMALLER_PICTURE } from '../store/viewSlice';
import { PlayerControls } from './PlayerControls';

/**
 * The picture: a `<video>` whose presented frames (requestVideoFrameCallback) set the frame
 * number, a canvas with the blur preview drawn over it for exactly that frame, and the track overlay.
 */
export function Player() {
  const store = useEditorStore();
  const source = useEditor((s) => s.project?.source ?? null);
  const playbackUrl = useEditor((s) => s.media?.playbackUrl ?? null);
  const zoom = useEditor((s) => s.pictureZoom);
  const protective = useEditor((s) => s.protectiveView);
  const audioMuted = useEditor((s) => s.audioMuted);
  const graphic = useEditor((s) => s.project?.graphic ?? false);
  const videoRef = useRef<HTMLVideoElement>(null);
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const viewportRef = useRef<HTMLDivElement>(null);
  const [fit, setFit] = useState(1);
  const [videoError, setVideoError] = useState<string | null>(null);
  /** The frame the video element presented last (what the canvas shows). */
  const presented = useRef<number | null>(null);

  // Fit the picture to the panel; zoom multiplies that.
  useLayoutEffect(() => {
    const viewport = viewportRef.current;
    if (!viewport || !source) return;
    const measure = () => setFit(Math.min(viewport.clientWidth / source.width, viewport.clientHeight / source.height) || 1);
    measure();
    const observer = new ResizeObserver(measure);
    observer.observe(viewport);
    return () => observer.disconnect();
  }, [source]);

  // Presented frames drive the frame number and the preview.
  useEffect(() => {
    const video = videoRef.current;
    // Until the new video presents a frame, the canvas shows none of it.
    presented.current = null;
    delete canvasRef.current?.dataset.frame;
    if (!video || !source || !playbackUrl) return;
    setVideoError(null);
    let handle = 0;
    const onFrame: VideoFrameRequestCallback = (_now, meta) => {
      const frame = frameAtTime(source, meta.mediaTime);
      // A frame decoded before the latest seek must not move the frame number back.
      const { seek, rate } = store.getState();
      if (rate > 0 || seek === null || seek.frame === frame) store.getState().frameShown(frame);
      // In reviewer mode, what is on screen counts as watched (also a frame presented as playback stops).
      store.getState().noteWatched(frame);
      presented.current = frame;
      paint(true);
      handle = video.requestVideoFrameCallback(onFrame);
    };
    // Chromium calls no frame callback for the first frame after loading: a finished seek
    // (always to the middle of a frame) names the frame as exactly.
    const onSeeked = () => {
      const frame = frameAtTime(source, video.currentTime);
      // A finished seek shows its frame, also one already on screen (for which no frame callback comes).
      store.getState().noteWatched(frame);
      if (presented.current !== null) return;
      presented.current = frame;
      paint();
    };
    // A frame callback can report a frame while the element already holds the next one (playback
    // stopping between the two): on pause, seek to the frame at the paused time, so the picture,
    // its blur and the number are one frame again.
    const onPause = () => store.getState().seekTo(frameAtTime(source, video.currentTime));
    const onError = () => setVideoError(video.error?.message || 'the video cannot be played');
    const onEnded = () => store.getState().setRate(0);
    video.addEventListener('error', onError);
    video.addEventListener('ended', onEnded);
    video.addEventListener('seeked', onSeeked);
    video.addEventListener('pause', onPause);
    video.src = playbackUrl;
    video.load();
    video.currentTime = seekTimeOf(source, store.getState().frame);
    // After load(): loading a new source drops callbacks asked for before it.
    handle = video.requestVideoFrameCallback(onFrame);
    return () => {
      video.cancelVideoFrameCallback(handle);
      video.removeEventListener('error', onError);
      video.removeEventListener('ended', onEnded);
      video.removeEventListener('seeked', onSeeked);
      video.removeEventListener('pause', onPause);
      video.removeAttribute('src');
      video.load();
    };
  }, [source, playbackUrl, store]);

  /**
   * Redraws the preview: the presented video frame with the blur of exactly that frame's regions.
   * The canvas says which frame it shows (`data-frame`), for tests and bug reports.
   */
  function paint(presentedNow = false) {
    const video = videoRef.current;
    const canvas = canvasRef.current;
    const s = store.getState();
    const frame = presented.current;
    // Inside a frame callback the frame is there even while readyState still says otherwise.
    if (!video || !canvas || !s.project || frame === null || (!presentedNow && video.readyState < 2)) return;
    const ctx = canvas.getContext('2d', { willReadFrequently: true });
    if (!ctx) return;
    const tracks = s.analysis.found.length ? [...s.project.tracks, ...s.analysis.found] : s.project.tracks;
    const onFrame = tracksOnFrame(tracks, frame);
    const { on, outsideBlur } = s.protectiveView;
    // Sharp: what is being worked on — the selection, or while reviewing the tracks still to decide.
    const decisions = s.project.review.decisions;
    const focus = onFrame.filter(({ track }) => s.selectedIds.includes(track.id) || (s.role === 'reviewer' && !decisions[track.id]));
    drawPreview(ctx, video, canvas.width, canvas.height, s.showOriginal ? [] : renderedRegions(onFrame), on && outsideBlur ? { focus: focus.map((t) => padBox(t.region.box, 0.1)) } : null);
    canvas.dataset.frame = String(frame);
  }

  // Edits, the toggle and analysis results repaint the still frame.
  useEffect(
    () =>
      store.subscribe((s, before) => {
        if (
          s.project?.tracks !== before.project?.tracks ||
          s.showOriginal !== before.showOriginal ||
          s.analysis.found !== before.analysis.found ||
          s.protectiveView !== before.protectiveView ||
          s.selectedIds !== before.selectedIds ||
          s.project?.review.decisions !== before.project?.review.decisions
        ) {
          paint();
        }
      }),
    [store],
  );

  // Seeks and play rates requested by the store.
  useEffect(() => {
    let reverseTimer: ReturnType<typeof setInterval> | null = null;
    const apply = () => {
      const video = videoRef.current;
      const s = store.getState();
      if (!video || !s.project) return;
      if (reverseTimer) clearInterval(reverseTimer);
      reverseTimer = null;
      if (s.rate > 0) {
        video.playbackRate = s.rate;
        video.play().catch((err: Error) => s.notify('error', `Playback failed: ${err.message}`));
      } else {
        video.pause();
        if (s.rate < 0) {
          // Browsers do not play backwards: step back frame by frame, as fast as seeks complete.
          const interval = 1000 / fpsOf(s.project.source) / -s.rate;
          reverseTimer = setInterval(() => {
            const now = store.getState();
            if (video.seeking) return;
            if (now.frame > 0) now.seekTo(now.frame - 1, true);
            else now.setRate(0);
          }, interval);
        }
      }
    };
    const unsubscribe = store.subscribe((s, before) => {
      if (s.rate !== before.rate) apply();
      if (s.seek !== before.seek && s.seek && videoRef.current && s.project) {
        videoRef.current.pause();
        videoRef.current.currentTime = seekTimeOf(s.project.source, s.seek.frame);
      }
    });
    return () => {
      unsubscribe();
      if (reverseTimer) clearInterval(reverseTimer);
    };
  }, [store]);

  // The sound follows the store: off until the user turns it on, and again when the protective view is.
  useEffect(() => {
    if (videoRef.current) videoRef.current.muted = audioMuted;
  }, [audioMuted]);

  const scale = fit * zoom * (protective.on && protective.smaller ? SMALLER_PICTURE : 1);
  const size = useMemo(() => (source ? { width: source.width * scale, height: source.height * scale } : null), [source, scale]);

  if (!source) return null;
  return (
    <section className="player" aria-label="Player">
      <div
        className="viewport"
        ref={viewportRef}
        onWheel={(e) => {
          if (!e.ctrlKey && !e.metaKey) return;
          store.getState().setPictureZoom(zoom * (e.deltaY < 0 ? 1.25 : 0.8));
        }}
      >
        <div className={`stage${protective.on ? ' protective' : ''}`} style={size ?? undefined} data-testid="stage" data-protective={protective.on ? 'on' : 'off'}>
          <video ref={videoRef} className="video" muted={audioMuted} playsInline preload="auto" crossOrigin="anonymous" data-testid="video" />
          <canvas ref={canvasRef} className="preview" width={source.width} height={source.height} data-testid="preview" />
          <Overlay width={source.width} height={source.height} scale={scale} />
        </div>
        {!playbackUrl && <div className="picture-message">Making a playable copy of this video…</div>}
        {videoError && <div className="picture-message error">Cannot play this video: {videoError}</div>}
      </div>
      {graphic && (
        <div className="graphic-notice" data-testid="graphic-notice">
          Marked graphic: opened in the protective view, paused, sound off (G and U change that for you; the export is not affected).
        </div>
      )}
      <PlayerControls />
    </section>
  );
}
