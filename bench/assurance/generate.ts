import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Box } from '../../core/geometry';
import { spawnMedia } from '../../electron/main/media/ffmpeg';
import { applyLight, composite, fillRect, mipChain, noiseTable, renderFaceSprite, roadScene, seededRandom, smearHorizontally, type SceneDrawer } from './draw';
import { loadFaceCrop, type RgbImage } from './faces';
import { groundTruth, horizontalSpeedAt, polesAt, poseAt, type ScenarioDefinition, type TruthFrame } from './scene';

/**
 * Turns a scenario into an H.264 clip: frames composed in Node (raw RGB24) and piped to
 * ffmpeg's libx264. Clips are cached in the temp folder under a hash of the scenario and of the
 * generator's own code, so a change to either makes a new clip.
 */

export interface GeneratedClip {
  path: string;
  scenario: ScenarioDefinition;
  /** Ground truth per frame, indexed by frame (decode order). */
  truth: TruthFrame[];
}

const CACHE_DIR = path.join(os.tmpdir(), 'blurline-assurance');

const GENERATOR_FILES = ['./generate.ts', './draw.ts', './scene.ts', './faces.ts', '../../tests/fixtures/sample-faces.json'];

/** Hash of what decides a clip's pixels: the scenario and the code that draws it. */
export function clipKey(scenario: ScenarioDefinition): string {
  const hash = createHash('sha1').update(JSON.stringify(scenario));
  for (const file of GENERATOR_FILES) hash.update(readFileSync(new URL(file, import.meta.url)));
  return hash.digest('hex').slice(0, 12);
}

interface FaceSource {
  mips: RgbImage[];
  face: Box;
}

async function loadFaceSources(scenario: ScenarioDefinition): Promise<Map<string, FaceSource>> {
  const sources = new Map<string, FaceSource>();
  for (const { ref } of scenario.faces) {
    const key = `${ref.photo}/${ref.face}`;
    if (sources.has(key)) continue;
    const crop = await loadFaceCrop(ref);
    sources.set(key, { mips: mipChain(crop.image), face: crop.face });
  }
  return sources;
}

const POLE_COLOUR = [74, 68, 60] as const;

/** What stays the same from frame to frame of one clip. */
interface Painter {
  scenario: ScenarioDefinition;
  drawRoad: SceneDrawer;
  faces: Map<string, FaceSource>;
  noise: Float32Array;
}

/** Draws one frame: road, faces (small ones first, as they are further away), poles in front, then the light. */
function composeFrame(frame: Uint8ClampedArray, index: number, painter: Painter, noiseOffset: number): void {
  const { scenario } = painter;
  const { width, height } = scenario;
  painter.drawRoad(frame, index);
  const onScreen = scenario.faces
    .flatMap((path) => {
      const pose = poseAt(path, index);
      return pose ? [{ path, pose }] : [];
    })
    .sort((a, b) => a.pose.width - b.pose.width);
  for (const { path, pose } of onScreen) {
    const source = painter.faces.get(`${path.ref.photo}/${path.ref.face}`)!;
    const smear = Math.round(scenario.shutter * Math.abs(horizontalSpeedAt(path, index)));
    const sprite = renderFaceSprite(source.mips, source.face, pose, Math.ceil(smear / 2));
    smearHorizontally(sprite, smear);
    composite(frame, width, height, sprite);
  }
  for (const [x0, x1] of polesAt(scenario, index)) fillRect(frame, width, height, { x: x0, y: 0, width: x1 - x0, height }, POLE_COLOUR);
  applyLight(frame, scenario.gain, scenario.noise, painter.noise, noiseOffset);
}

/** What an encode of generated RGB frames needs to know. */
export interface RawClipFormat {
  width: number;
  height: number;
  fps: number;
  /** x264 constant rate factor: 35 and up is a starved, blocky encode. */
  crf: number;
}

function encoderArgs(format: RawClipFormat, output: string): string[] {
  return [
    '-hide_banner', '-v', 'error', '-y',
    '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-s', `${format.width}x${format.height}`, '-framerate', String(format.fps), '-i', 'pipe:0',
    '-c:v', 'libx264', '-preset', 'veryfast', '-crf', String(format.crf), '-pix_fmt', 'yuv420p',
    output,
  ];
}

/** Encodes `frames` RGB24 frames, each drawn by `draw` into a fresh buffer, to an H.264 file. */
export async function encodeRgbClip(format: RawClipFormat, frames: number, output: string, task: string, draw: (frame: Uint8ClampedArray, index: number) => void): Promise<void> {
  const proc = spawnMedia(encoderArgs(format, output), { task, stdin: true });
  const stdin = proc.child.stdin!;
  try {
    for (let index = 0; index < frames; index++) {
      // A new buffer per frame: the pipe may still hold the previous one.
      const buffer = Buffer.allocUnsafe(format.width * format.height * 3);
      draw(new Uint8ClampedArray(buffer.buffer, buffer.byteOffset, buffer.length), index);
      if (!stdin.write(buffer)) await Promise.race([once(stdin, 'drain'), proc.done]);
    }
    stdin.end();
    await proc.done;
  } catch (err) {
    proc.stop();
    throw err;
  }
}

async function encodeScenario(scenario: ScenarioDefinition, output: string): Promise<void> {
  const random = seededRandom(scenario.seed);
  const painter: Painter = {
    scenario,
    drawRoad: roadScene(scenario.width, scenario.height, scenario.seed),
    faces: await loadFaceSources(scenario),
    noise: noiseTable(random),
  };
  await encodeRgbClip(scenario, scenario.frames, output, `encoding the ${scenario.name} scenario`, (frame, index) =>
    composeFrame(frame, index, painter, Math.floor(random() * painter.noise.length)),
  );
}

/**
 * A generated clip's file in the temp folder, made by `make` once per machine: written under a
 * temp name then renamed, so a parallel run never reads half a clip.
 */
export async function cachedClip(name: string, make: (file: string) => Promise<void>): Promise<string> {
  mkdirSync(CACHE_DIR, { recursive: true });
  const file = path.join(CACHE_DIR, `${name}.mp4`);
  if (!existsSync(file)) {
    const temp = path.join(CACHE_DIR, `.${name}-${process.pid}.mp4`);
    try {
      await make(temp);
      renameSync(temp, file);
    } finally {
      rmSync(temp, { force: true });
    }
  }
  return file;
}

/** The scenario's clip (generated once per machine and generator version) and its ground truth. */
export async function generateClip(scenario: ScenarioDefinition): Promise<GeneratedClip> {
  const name = `${scenario.name}-${scenario.width}x${scenario.height}-${scenario.frames}f-${clipKey(scenario)}`;
  const file = await cachedClip(name, (temp) => encodeScenario(scenario, temp));
  return { path: file, scenario, truth: groundTruth(scenario) };
}
