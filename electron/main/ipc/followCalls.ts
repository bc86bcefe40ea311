import { z } from 'zod';
import { BlurlineError } from '../../../core/errors';
import type { BlurlineCalls } from '../../shared/contract';
import { followRegion } from '../detect/followRegion';
import { ipcCall } from './calls';
import type { FeatureDeps } from './handlers';

const startFollowArgs = z.strictObject({
  sourceSha256: z.string().regex(/^[0-9a-f]{64}$/, 'must be a lowercase hex SHA-256'),
  frame: z.number().int().nonnegative(),
  box: z.strictObject({
    x: z.number().finite(),
    y: z.number().finite(),
    width: z.number().finite().positive(),
    height: z.number().finite().positive(),
  }),
  directions: z
    .array(z.enum(['forward', 'backward']))
    .min(1)
    .max(2)
    .refine((d) => new Set(d).size === d.length, 'must not repeat a direction'),
});

/** Following a marked region: a 'follow' job on a source opened in this session (never a path the renderer names). */
export function followCalls({ media, jobs }: FeatureDeps) {
  return {
    startFollow: ipcCall(['args'], [startFollowArgs], async ({ sourceSha256, frame, box, directions }) => {
      const source = media.openedSource(sourceSha256);
      if (!source) throw new BlurlineError('INVALID_ARGUMENT', 'open the video in Blurline before following a region in it');
      if (frame >= source.frameCount) throw new BlurlineError('INVALID_ARGUMENT', `frame ${frame} is past the clip's last frame (${source.frameCount - 1})`);
      const jobId = jobs.start('follow', 'following', async (job) => {
        const followed = await followRegion({ source, frame, box, directions }, { signal: job.signal, onProgress: job.progress });
        return { followed };
      });
      return { jobId };
    }),
  } satisfies Partial<BlurlineCalls>;
}
