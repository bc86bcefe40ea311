import { describe, expect, it } from 'vitest';
import { parseProject, parseProjectText, ProjectFormatError, serializeProject } from '../../core/project';
import { keyframe, projectWith, track } from '../helpers/projects';

function roundTrip(mutate: (p: any) => void) {
  const data = JSON.parse(serializeProject(projectWith([track('t1', [keyframe(0, { x: 1, y: 2, width: 3, height: 4 })])])));
  mutate(data);
  return () => parseProject(data);
}

function fieldOf(fn: () => unknown): string | null {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(ProjectFormatError);
    expect((err as ProjectFormatError).code).toBe('PROJECT_INVALID');
    return (err as ProjectFormatError).field;
  }
  throw new Error('expected a ProjectFormatError');
}

describe('project schema', () => {
  it('round-trips a valid project through JSON', () => {
    const project = projectWith([track('t1', [keyframe(0, { x: 1, y: 2, width: 3, height: 4 })])]);
    expect(parseProjectText(serializeProject(project))).toEqual(project);
  });

  it('names the bad field', () => {
    expect(fieldOf(roundTrip((p) => (p.tracks[0].keyframes[0].box.width = -1)))).toBe('tracks.0.keyframes.0.box.width');
    expect(fieldOf(roundTrip((p) => (p.tracks[0].status = 'maybe')))).toBe('tracks.0.status');
    expect(fieldOf(roundTrip((p) => (p.source.frameRate.den = 0)))).toBe('source.frameRate.den');
    expect(fieldOf(roundTrip((p) => delete p.source.sha256))).toBe('source.sha256');
    expect(fieldOf(roundTrip((p) => (p.tracks[0].style.type = 'swirl')))).toBe('tracks.0.style.type');
  });

  it('rejects keyframes out of order', () => {
    const check = roundTrip((p) => {
      p.tracks[0].keyframes.push(keyframe(5, { x: 1, y: 2, width: 3, height: 4 }), keyframe(5, { x: 1, y: 2, width: 3, height: 4 }));
    });
    expect(fieldOf(check)).toBe('tracks.0.keyframes.2.frame');
  });

  it('explains files that are not projects', () => {
    expect(() => parseProjectText('{"tracks": [')).toThrow(/not valid JSON/);
    expect(() => parseProjectText('[1,2]')).toThrow(/expected a JSON object/);
    expect(fieldOf(() => parseProjectText('{"format":"something-else"}'))).toBe('format');
    expect(() => parseProjectText(JSON.stringify({ format: 'blurline-project', version: 99 }))).toThrow(/newer than this Blurline/);
  });
});
