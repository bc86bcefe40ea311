import { describe, expect, it } from 'vitest';
import { DetectionDispatcher, type DetectionJob } from '../../core/detectionDispatch';

const options = { model: 'tiny-face-detector' as const, minConfidence: 0.5 };
const frame = (bytes: number) => ({ data: new Uint8Array(bytes), width: 1, height: 1 });

describe('DetectionDispatcher', () => {
  it('gives each worker one search at a time and answers it with that worker’s reply', async () => {
    const sent: [string, DetectionJob][] = [];
    const dispatch = new DetectionDispatcher(['a', 'b'], (worker, job) => sent.push([worker, job]));
    const detector = dispatch.detector(options);
    const first = detector.detect(frame(3));
    const second = detector.detect(frame(3));
    const third = detector.detect(frame(3));
    expect(sent.map(([w]) => w)).toEqual(['a', 'b']);
    dispatch.settle(sent[1][1].id, { faces: [{ box: { x: 1, y: 2, width: 3, height: 4 }, score: 0.9 }] });
    await expect(second).resolves.toHaveLength(1);
    // b is free again and takes the waiting search; a is still busy.
    expect(sent.map(([w]) => w)).toEqual(['a', 'b', 'b']);
    dispatch.settle(sent[0][1].id, { error: new Error('no model') });
    await expect(first).rejects.toThrow('no model');
    dispatch.settle(sent[2][1].id, { faces: [] });
    await expect(third).resolves.toEqual([]);
  });

  it('runs urgent searches before background ones that waited longer', () => {
    const sent: DetectionJob[] = [];
    const dispatch = new DetectionDispatcher(['a'], (_worker, job) => sent.push(job));
    void dispatch.detector(options, 'background').detect(frame(1));
    void dispatch.detector(options, 'background').detect(frame(2));
    void dispatch.detector(options, 'urgent').detect(frame(3));
    dispatch.settle(sent[0].id, { faces: [] });
    expect(sent.map((j) => j.data.byteLength)).toEqual([1, 3]);
    dispatch.settle(sent[1].id, { faces: [] });
    expect(sent.map((j) => j.data.byteLength)).toEqual([1, 3, 2]);
  });

  it('copies a frame that is a view into a larger buffer (the rest must not be transferred away)', () => {
    const sent: DetectionJob[] = [];
    const dispatch = new DetectionDispatcher(['a'], (_worker, job) => sent.push(job));
    const whole = new Uint8Array(12);
    void dispatch.detector(options).detect({ data: whole.subarray(3, 6), width: 1, height: 1 });
    expect(sent[0].data.buffer).not.toBe(whole.buffer);
    expect(sent[0].data.byteLength).toBe(3);
  });

  it('fails the search of a crashed worker only; the others go on, and the queue fails once no worker is left', async () => {
    const sent: [string, DetectionJob][] = [];
    const dispatch = new DetectionDispatcher(['a', 'b'], (worker, job) => sent.push([worker, job]));
    const onA = dispatch.detector(options).detect(frame(3));
    const onB = dispatch.detector(options).detect(frame(3));
    const waiting = dispatch.detector(options).detect(frame(3));
    dispatch.failWorker('a', new Error('crashed'));
    await expect(onA).rejects.toThrow('crashed');
    dispatch.settle(sent[1][1].id, { faces: [] });
    await expect(onB).resolves.toEqual([]);
    expect(sent.map(([w]) => w)).toEqual(['a', 'b', 'b']);
    const last = dispatch.detector(options).detect(frame(3));
    dispatch.failWorker('b', new Error('crashed too'));
    await expect(waiting).rejects.toThrow('crashed too');
    await expect(last).rejects.toThrow('crashed too');
  });
});
