import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rename } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { ONNX_FACE_FORMATS } from '../../../core/onnxFaceModels';
import { projectSchema, type Project } from '../../../core/project';
import type { RecentFile } from '../../shared/contract';
import { writeFileAtomic } from '../project/projectFile';

/**
 * What the app keeps in its user-data folder: the autosave of each source's project
 * (`projects/<sha256 of the source path>.json`, and the one before it as `.prev.json`), the recent files (`recent.json`), the settings
 * (`settings.json`) and the playback proxies (`proxies/`). Every write is atomic, and writes to one file happen one after
 * another, so a slow earlier write can never land on top of a later one.
 */

export const MAX_RECENT_FILES = 10;

const recentSchema = z.object({
  files: z.array(z.object({ path: z.string(), openedAt: z.string() })),
});

const settingsSchema = z.object({
  /** The user's own ONNX face model, as checked when it was chosen; null: the built-in models only. */
  detectorModel: z.object({ file: z.string(), sha256: z.string(), format: z.enum(ONNX_FACE_FORMATS) }).nullable(),
});
export type Settings = z.infer<typeof settingsSchema>;
const DEFAULT_SETTINGS: Settings = { detectorModel: null };

const autosaveSchema = z.object({
  savedAt: z.string(),
  project: projectSchema,
});

export interface Autosave {
  project: Project;
  savedAt: string;
  /** Set when the newest autosave was damaged or missing and the one before it was restored: why. */
  recoveredBecause: string | null;
}

const sha256Text = (text: string) => createHash('sha256').update(text).digest('hex');

/** Reads JSON that may be missing or damaged (a crash, a disk error, a hand edit): either way there is nothing to restore from it. */
async function readJson<T>(file: string, schema: z.ZodType<T>): Promise<T | null> {
  try {
    const parsed = schema.safeParse(JSON.parse(await readFile(file, 'utf8')));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

export class UserDataStore {
  private readonly queues = new Map<string, Promise<unknown>>();

  constructor(readonly dir: string) {}

  get proxiesDir(): string {
    return path.join(this.dir, 'proxies');
  }

  autosavePath(sourcePath: string): string {
    return path.join(this.dir, 'projects', `${sha256Text(sourcePath)}.json`);
  }

  /** Runs `write` after every earlier write to the same file has finished. */
  private serialized<T>(file: string, write: () => Promise<T>): Promise<T> {
    const previous = this.queues.get(file) ?? Promise.resolve();
    const next = previous.catch(() => {}).then(write);
    this.queues.set(file, next);
    return next;
  }

  private previousAutosavePath(file: string): string {
    return file.replace(/\.json$/, '.prev.json');
  }

  async saveAutosave(project: Project, now = new Date()): Promise<Autosave> {
    const file = this.autosavePath(project.source.path);
    const autosave = { savedAt: now.toISOString(), project };
    await this.serialized(file, async () => {
      await mkdir(path.dirname(file), { recursive: true });
      // The last good autosave is kept as the one before: a damaged newest one never costs the work.
      if (await readJson(file, autosaveSchema)) await rename(file, this.previousAutosavePath(file));
      await writeFileAtomic(file, `${JSON.stringify(autosave)}\n`);
    });
    return { ...autosave, recoveredBecause: null };
  }

  async readAutosave(sourcePath: string): Promise<Autosave | null> {
    const file = this.autosavePath(sourcePath);
    await this.queues.get(file)?.catch(() => {});
    const newest = await readJson(file, autosaveSchema);
    if (newest) return { ...newest, recoveredBecause: null };
    const previous = await readJson(this.previousAutosavePath(file), autosaveSchema);
    if (!previous) return null;
    const why = existsSync(file) ? 'the newest autosave is damaged' : 'the newest autosave was not written';
    return { ...previous, recoveredBecause: why };
  }

  /** Recent files, newest first, leaving out files that are gone. */
  async recentFiles(): Promise<RecentFile[]> {
    const file = path.join(this.dir, 'recent.json');
    await this.queues.get(file)?.catch(() => {});
    const recent = await readJson(file, recentSchema);
    const files = (recent?.files ?? []).filter((entry) => existsSync(entry.path));
    return Promise.all(files.map(async (entry) => ({ ...entry, graphic: await this.isMarkedGraphic(entry.path) })));
  }

  /** Whether the source's autosaved project is marked graphic (the editor says so before it is opened). */
  async isMarkedGraphic(sourcePath: string): Promise<boolean> {
    return (await this.readAutosave(sourcePath))?.project.graphic ?? false;
  }

  async addRecentFile(filePath: string, now = new Date()): Promise<void> {
    const file = path.join(this.dir, 'recent.json');
    await this.serialized(file, async () => {
      const recent = (await readJson(file, recentSchema))?.files ?? [];
      const files = [{ path: filePath, openedAt: now.toISOString() }, ...recent.filter((entry) => entry.path !== filePath)].slice(0, MAX_RECENT_FILES);
      await mkdir(this.dir, { recursive: true });
      await writeFileAtomic(file, `${JSON.stringify({ files }, null, 2)}\n`);
    });
  }

  private get settingsPath(): string {
    return path.join(this.dir, 'settings.json');
  }

  async settings(): Promise<Settings> {
    await this.queues.get(this.settingsPath)?.catch(() => {});
    return (await readJson(this.settingsPath, settingsSchema)) ?? DEFAULT_SETTINGS;
  }

  async changeSettings(change: Partial<Settings>): Promise<Settings> {
    const file = this.settingsPath;
    return this.serialized(file, async () => {
      const settings = { ...((await readJson(file, settingsSchema)) ?? DEFAULT_SETTINGS), ...change };
      await mkdir(this.dir, { recursive: true });
      await writeFileAtomic(file, `${JSON.stringify(settings, null, 2)}\n`);
      return settings;
    });
  }
}
