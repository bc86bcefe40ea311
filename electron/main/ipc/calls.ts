import path from 'node:path';
import { z } from 'zod';
import { BlurlineError } from '../../../core/errors';
import { projectSchema } from '../../../core/project';
import type { IpcResult } from '../../shared/contract';

/**
 * What every IPC handler shares: arguments validated before any work (the renderer is not
 * trusted), and errors turned into `{ ok: false, code, message }` so nothing throws across IPC.
 */

/** An absolute path without NUL bytes (the renderer never gets to name a relative path). */
export const absolutePath = z
  .string()
  .min(1, 'must not be empty')
  .max(4096, 'is too long')
  .refine((p) => !p.includes('\0'), 'must not contain NUL bytes')
  .refine((p) => path.isAbsolute(p), 'must be an absolute path');

/** A project as the file format defines it, whose source is named by an absolute path. */
export const projectArg = projectSchema.refine((p) => path.isAbsolute(p.source.path), {
  path: ['source', 'path'],
  message: 'must be an absolute path',
});

/** Turns the first validation issue into a coded error naming the argument and field. */
function invalidArgument(names: readonly string[], error: z.ZodError): BlurlineError {
  const issue = error.issues[0];
  const [position, ...field] = issue.path;
  const name = typeof position === 'number' ? (names[position] ?? `argument ${position + 1}`) : 'arguments';
  const parts = [name, ...field.map(String)];
  // A bad field inside a project is the project's fault, and the renderer says so differently.
  const inProject = parts.indexOf('project');
  const code = inProject >= 0 && inProject < parts.length - 1 ? 'PROJECT_INVALID' : 'INVALID_ARGUMENT';
  return new BlurlineError(code, `invalid ${parts.join('.')}: ${issue.message}`);
}

export function toIpcError(err: unknown): { ok: false; code: BlurlineError['code']; message: string } {
  if (err instanceof BlurlineError) return { ok: false, code: err.code, message: err.message };
  return { ok: false, code: 'INTERNAL', message: `unexpected error: ${err instanceof Error ? err.message : String(err)}` };
}

type Outputs<S extends readonly z.ZodType[]> = { [K in keyof S]: z.output<S[K]> };

/**
 * Wraps a handler: `names` and `schemas` name and validate each positional argument; the
 * handler runs only with valid ones, and whatever it throws comes back as a coded result.
 */
export function ipcCall<S extends [] | [z.ZodType, ...z.ZodType[]], T>(
  names: { [K in keyof S]: string },
  schemas: S,
  run: (...args: Outputs<S>) => Promise<T>,
): (...args: unknown[]) => Promise<IpcResult<T>> {
  const tuple = z.tuple(schemas as [z.ZodType, ...z.ZodType[]]);
  return async (...args) => {
    const parsed = tuple.safeParse(args);
    if (!parsed.success) return toIpcError(invalidArgument(names, parsed.error));
    try {
      return { ok: true, value: await run(...(parsed.data as Outputs<S>)) };
    } catch (err) {
      return toIpcError(err);
    }
  };
}
