import { useEffect, useRef } from 'react';
import type { SourceInfo } from '../../../electron/shared/contract';
import { seekTimeOf } from '../time';

const THUMB_HEIGHT = 40;
const CACHE_LIMIT = 400;

interface StripProps {
  source: SourceInfo;
  playbackUrl: string;
  width: number;
  scrollFrame: number;
  pxPerFrame: number;
}

/**
 * Thumbnails along the timeline from a second, hidden `<video>`: only the cells in view are
 * fetched (one seek each, in order), and kept in a small cache for scrolling back.
 */
export function ThumbnailStrip({ source, playbackUrl, width, scrollFrame, pxPerFrame }: StripProps) {
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const videoRef = useRef<HTMLVideoElement | null>(null);
  const cache = useRef(new Map<number, ImageBitmap>());
  const thumbWidth = Math.round((THUMB_HEIGHT * source.width) / source.height);

  useEffect(() => {
    const video = document.createElement('video');
    video.muted = true;
    // The media comes from the host's origin; drawing it must not taint the canvas.
    video.crossOrigin = 'anonymous';
    video.preload = 'auto';
    video.src = playbackUrl;
    videoRef.current = video;
    const bitmaps = cache.current;
    return () => {
      video.removeAttribute('src');
      video.load();
      for (const bitmap of bitmaps.values()) bitmap.close();
      bitmaps.clear();
    };
  }, [playbackUrl]);

  useEffect(() => {
    const canvas = canvasRef.current;
    const video = videoRef.current;
    if (!canvas || !video || width <= 0) return;
    let cancelled = false;
    const framesPerCell = thumbWidth / pxPerFrame;
    const firstCell = Math.floor(scrollFrame / framesPerCell);
    const cells = Math.ceil(width / thumbWidth) + 1;
    const wanted: { x: number; frame: number }[] = [];
    for (let c = firstCell; c < firstCell + cells; c++) {
      const frame = Math.round(c * framesPerCell);
      if (frame >= source.frameCount) break;
      wanted.push({ x: (c * framesPerCell - scrollFrame) * pxPerFrame, frame });
    }
    const ctx = canvas.getContext('2d')!;
    const draw = () => {
      ctx.fillStyle = '#1b1d22';
      ctx.fillRect(0, 0, canvas.width, canvas.height);
      for (const { x, frame } of wanted) {
        const bitmap = cache.current.get(frame);
        if (bitmap) ctx.drawImage(bitmap, x, 0, thumbWidth, THUMB_HEIGHT);
      }
    };
    draw();
    (async () => {
      for (const { frame } of wanted) {
        if (cancelled) return;
        if (cache.current.has(frame)) continue;
        try {
          if (video.readyState < 1) await new Promise((resolve, reject) => {
            video.addEventListener('loadedmetadata', resolve, { once: true });
            video.addEventListener('error', reject, { once: true });
          });
          video.currentTime = seekTimeOf(source, frame);
          await new Promise((resolve) => video.addEventListener('seeked', resolve, { once: true }));
          // A newer view may have moved the video meanwhile: this frame is not the one asked for.
          if (cancelled) return;
          const bitmap = await createImageBitmap(video, { resizeWidth: thumbWidth, resizeHeight: THUMB_HEIGHT });
          cache.current.set(frame, bitmap);
          if (cache.current.size > CACHE_LIMIT) {
            const oldest = cache.current.keys().next().value!;
            cache.current.get(oldest)?.close();
            cache.current.delete(oldest);
          }
          if (!cancelled) draw();
        } catch {
          // Thumbnails are a convenience: the player reports a video that cannot be decoded.
          return;
        }
      }
    })();
    return () => {
      cancelled = true;
    };
  }, [source, width, scrollFrame, pxPerFrame, thumbWidth]);

  return <canvas ref={canvasRef} className="thumbnails" width={Math.max(1, width)} height={THUMB_HEIGHT} />;
}
