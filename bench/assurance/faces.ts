import type { Box } from '../../core/geometry';
import { loadPhoto, samplePath } from '../../tests/helpers/media';
import sampleFaces from '../../tests/fixtures/sample-faces.json';

/**
 * Real faces for the generated clips: the boxes the model found once in the face-api demo
 * photos (kept as fixtures), cropped from the photos at run time with hair and background around them.
 */

/** One face of the fixtures: photo `sample<photo>.jpg`, `face`-th box in its list. */
export interface FaceRef {
  photo: number;
  face: number;
}

export interface RgbImage {
  width: number;
  height: number;
  /** Packed RGB24, no row padding. */
  data: Uint8Array;
}

export interface FaceCrop {
  image: RgbImage;
  /** The fixture face box inside the crop, in crop pixels. */
  face: Box;
}

export const SAMPLE_FACES: Record<number, Box[]> = sampleFaces;

/** Margin around the face box on each side, as a fraction of its size: enough for hair and some background. */
export const CROP_MARGIN = 0.35;

export function fixtureFaceBox(ref: FaceRef): Box {
  const box = SAMPLE_FACES[ref.photo]?.[ref.face];
  if (!box) throw new Error(`no face ${ref.face} in sample${ref.photo}.jpg fixtures`);
  return box;
}

/**
 * The crop around a face: the same margin on opposite sides (so the face stays centred in it),
 * shrunk where the photo ends.
 */
export function cropRectAround(face: Box, photoWidth: number, photoHeight: number, margin = CROP_MARGIN): Box {
  const mx = Math.floor(Math.min(face.width * margin, face.x, photoWidth - face.x - face.width));
  const my = Math.floor(Math.min(face.height * margin, face.y, photoHeight - face.y - face.height));
  return { x: face.x - mx, y: face.y - my, width: face.width + 2 * mx, height: face.height + 2 * my };
}

export function cropImage(image: RgbImage, rect: Box): RgbImage {
  const data = new Uint8Array(rect.width * rect.height * 3);
  for (let y = 0; y < rect.height; y++) {
    const from = ((rect.y + y) * image.width + rect.x) * 3;
    data.set(image.data.subarray(from, from + rect.width * 3), y * rect.width * 3);
  }
  return { width: rect.width, height: rect.height, data };
}

const photos = new Map<number, Promise<RgbImage>>();

/** Decodes the face's photo (once per process) and crops the face out of it. */
export async function loadFaceCrop(ref: FaceRef): Promise<FaceCrop> {
  let photo = photos.get(ref.photo);
  if (!photo) photos.set(ref.photo, (photo = loadPhoto(samplePath(ref.photo))));
  const image = await photo;
  const face = fixtureFaceBox(ref);
  const rect = cropRectAround(face, image.width, image.height);
  return { image: cropImage(image, rect), face: { x: face.x - rect.x, y: face.y - rect.y, width: face.width, height: face.height } };
}
