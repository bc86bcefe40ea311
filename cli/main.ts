import { existsSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { LeakCheckPass } from '../core/auditReport';
import { BlurlineError, isCancelled, type ErrorCode } from '../core/errors';
import { DETECTION_PRESETS, isPresetName, withMinConfidence } from '../core/presets';
import { DEFAULT_EXPORT_SETTINGS, exportSettingsSchema, MASTER_CODECS, OBJECT_LABELS, type FrameRange, type MasterCodec, type Project } from '../core/project';
import { formatDuration, type JobProgress } from '../core/progress';
import { checkOutputPath } from '../electron/main/media/render';
import { readProjectFile, writeProjectFile } from '../electron/main/project/projectFile';
import { relinkMovedSource } from '../electron/main/project/relink';
import { inspectOnnxFaceModel } from '../electron/main/detect/onnxFaceDetector';
import { detectToProject } from '../electron/main/pipeline';
import { auditReportPaths } from '../electron/main/export/auditTrail';
import { anonymiseClip, listVideos, masterClashes, projectPathFor, type ClipStage } from '../electron/main/export/batch';
import { AUTO_EXPORT_PASSES, exportMaster } from '../electron/main/export/exportMaster';
import { verifyExport } from '../electron/main/export/verifyExport';
import { followCommand, FollowUsageError } from './follow';

const HELP = `blurline — anonymise faces in video

Usage:
  blurline detect <video> -o <project.json>   find faces and write a project of blur tracks
  blurline render <project.json> -o <out.mp4> render the blurred master from a project
  blurline auto <video> -o <out.mp4>          detect + render; writes <out>.blurline.json beside it
  blurline batch <folder> [-o <out-folder>]   detect + render every video in a folder (default output: <folder>/blurred)
  blurline verify <master> [--report <r.json>] re-hash a master and run the leak check again against its audit report
  blurline follow <project.json> --frame <n> --box <x,y,w,h> [--label plate] [-o <project.json>]
                                              follow a region (plate, tattoo, badge, screen…) from one
                                              box through the clip and add it as an object track

render, auto and batch check every frame of the master for faces left showing (the leak check)
and write an audit report beside it: <out>.audit.json and a printable <out>.audit.html
(e.g. clip.blurred.mp4.audit.json).

Options:
  -o, --output <path>        output file (required for detect, render, auto)
  -f, --force                replace an existing output file
      --json                 print a machine-readable result on stdout (no progress bar)
  -q, --quiet                no progress output
  detect/auto:
      --preset <name>        thorough (default: SSD, for export) or fast (Tiny Face Detector searches, ~4× faster)
      --min-confidence <n>   detection threshold 0..1 (default: the preset's)
  detect/auto/batch:
      --detector-model <file.onnx>
                             also search with your own ONNX face model (YuNet, SCRFD or
                             CenterFace): whole frames at their own size, and a second look
                             at each new face; the project and audit report name the file
                             and its SHA-256. A missing or unsupported model exits with 3
  render/auto:
      --codec <name>         h264 (default), h265, or prores (ProRes 422 HQ, .mov only)
      --range <first>-<last> export only these frames (0-based, inclusive); audio is cut to match
      --crf <n>              H.264/H.265 quality, 0–51, lower is better (default ${DEFAULT_EXPORT_SETTINGS.crf})
      --x264-preset <name>   H.264/H.265 speed: ultrafast … veryslow (default ${DEFAULT_EXPORT_SETTINGS.preset})
      --keep-metadata        keep tags (GPS, device, dates) and subtitle/data streams (GPS tracks,
                             telemetry); stripped by default
      --skip-leak-check      do not run the leak check (the report then never calls the export approved)
  verify:
      --report <path>        the master's audit report (default: <master>.audit.json beside it)
  follow:
      --frame <n>            the frame the box is drawn on (0-based)
      --box <x,y,w,h>        the region on that frame, in pixels of the upright picture
      --label <name>         ${OBJECT_LABELS.join(', ')} (default other)
      --direction <d>        both (default), forward or backward
      --track <id>           follow into this track (its boxes over the followed frames are
                             replaced); default: a new object track
      --by <name>            who marked the region, for the pass's log and the audit report
                             (default: the login name)
      -o <project.json>      where to write the project (default: over the input project)
  -h, --help                 this help
  -v, --version              version

The source video is never modified. Masters are written to a temporary file and renamed
into place only when complete.

Exit codes:
  0 done   2 usage error   3 bad input (missing, corrupt, no video, invalid project, source changed,
  a detector model that is missing, not ONNX or of no supported format)
  4 output problem (exists, same as source, folder missing, disk full, permission)
  5 ffmpeg or face model failed   6 verify: the master does not match its report, shows a face the
  report does not list, or is not an approved export   7 batch: some clips failed
  130 cancelled   1 unexpected error
`;

export const EXIT = { ok: 0, unexpected: 1, usage: 2, input: 3, output: 4, tool: 5, unverified: 6, batchFailed: 7, cancelled: 130 } as const;

const EXIT_BY_CODE: Record<ErrorCode, number> = {
  SOURCE_NOT_FOUND: EXIT.input,
  SOURCE_UNREADABLE: EXIT.input,
  NO_VIDEO_STREAM: EXIT.input,
  SOURCE_TRUNCATED: EXIT.input,
  SOURCE_CHANGED: EXIT.input,
  PROJECT_INVALID: EXIT.input,
  OUTPUT_IS_SOURCE: EXIT.output,
  OUTPUT_EXISTS: EXIT.output,
  OUTPUT_DIR_MISSING: EXIT.output,
  OUTPUT_UNSUPPORTED: EXIT.output,
  DISK_FULL: EXIT.output,
  PERMISSION_DENIED: EXIT.output,
  FFMPEG_NOT_FOUND: EXIT.tool,
  FFMPEG_FAILED: EXIT.tool,
  DETECTOR_FAILED: EXIT.tool,
  DETECTOR_MODEL_INVALID: EXIT.input,
  INVALID_ARGUMENT: EXIT.usage,
  INTERNAL: EXIT.unexpected,
  CANCELLED: EXIT.cancelled,
};

class UsageError extends Error {}

interface Output {
  json: boolean;
  quiet: boolean;
}

/** Draws a progress bar on a terminal, or a line every 10 % when stderr is a file or pipe. */
function progressReporter(out: Output) {
  const tty = process.stderr.isTTY;
  let lastDecile = -1;
  let drawn = false;
  return {
    update(stage: ClipStage | 'follow', p: JobProgress) {
      if (out.json || out.quiet) return;
      const pct = Math.floor(p.ratio * 100);
      const eta = p.etaSeconds === null ? '--:--' : formatDuration(p.etaSeconds);
      const text = `${stage.padEnd(10)} ${String(pct).padStart(3)}%  frame ${p.frame}  ${p.fps.toFixed(1)} fps  ETA ${eta}`;
      if (tty) {
        const width = 24;
        const filled = Math.round(p.ratio * width);
        process.stderr.write(`\r[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${text}\x1b[K`);
        drawn = true;
      } else if (Math.floor(pct / 10) !== lastDecile) {
        lastDecile = Math.floor(pct / 10);
        process.stderr.write(`${text}\n`);
      }
    },
    stage(stage: ClipStage) {
      lastDecile = -1;
      this.end();
      if (!out.json && !out.quiet && (stage === 'probe' || stage === 'verify')) {
        process.stderr.write(stage === 'probe' ? 'reading source…\n' : 'checking the source is unchanged…\n');
      }
    },
    end() {
      if (drawn) process.stderr.write('\n');
      drawn = false;
    },
  };
}

function numberOption(value: string | undefined, name: string, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n) || n < min || n > max) throw new UsageError(`--${name} must be a number from ${min} to ${max}`);
  return n;
}

/** `--range 120-480`: an inclusive span of frame indices. */
function rangeOption(value: string | undefined): FrameRange | undefined {
  if (value === undefined) return undefined;
  const m = /^(\d+)-(\d+)$/.exec(value.trim());
  if (!m || Number(m[2]) < Number(m[1])) throw new UsageError('--range must be <first>-<last> frame numbers, first ≤ last (e.g. 120-480)');
  return { first: Number(m[1]), last: Number(m[2]) };
}

export async function main(argv: string[]): Promise<number> {
  let out: Output = { json: argv.includes('--json'), quiet: false };
  const controller = new AbortController();
  const onSigint = () => {
    if (!out.json) process.stderr.write('\ncancelling…\n');
    controller.abort();
  };
  process.once('SIGINT', onSigint);
  process.once('SIGTERM', onSigint);
  try {
    const { values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        output: { type: 'string', short: 'o' },
        force: { type: 'boolean', short: 'f' },
        json: { type: 'boolean' },
        quiet: { type: 'boolean', short: 'q' },
        preset: { type: 'string' },
        'min-confidence': { type: 'string' },
        'detector-model': { type: 'string' },
        crf: { type: 'string' },
        'x264-preset': { type: 'string' },
        'keep-metadata': { type: 'boolean' },
        codec: { type: 'string' },
        range: { type: 'string' },
        report: { type: 'string' },
        'skip-leak-check': { type: 'boolean' },
        frame: { type: 'string' },
        box: { type: 'string' },
        label: { type: 'string' },
        direction: { type: 'string' },
        track: { type: 'string' },
        by: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
        version: { type: 'boolean', short: 'v' },
      },
    });
    out = { json: values.json ?? false, quiet: values.quiet ?? false };
    if (values.help) {
      process.stdout.write(HELP);
      return EXIT.ok;
    }
    if (values.version) {
      process.stdout.write('blurline 0.1.0\n');
      return EXIT.ok;
    }
    const [command, input, ...extra] = positionals;
    if (!command) throw new UsageError('no command given');
    if (!['detect', 'render', 'auto', 'batch', 'verify', 'follow'].includes(command)) throw new UsageError(`unknown command "${command}"`);
    if (!input) throw new UsageError(`${command} needs an input ${command === 'batch' ? 'folder' : 'file'}`);
    if (extra.length) throw new UsageError(`unexpected arguments: ${extra.join(' ')}`);
    if (!values.output && !['batch', 'verify', 'follow'].includes(command)) throw new UsageError(`${command} needs -o <output>`);

    const presetName = values.preset ?? 'thorough';
    if (!isPresetName(presetName)) throw new UsageError(`--preset must be one of ${Object.keys(DETECTION_PRESETS).join(', ')}`);
    const basePreset = DETECTION_PRESETS[presetName];
    const minConfidence = numberOption(values['min-confidence'], 'min-confidence', 0.05, 0.99);
    const preset = minConfidence === undefined ? basePreset : withMinConfidence(basePreset, minConfidence);
    const crf = numberOption(values.crf, 'crf', 0, 51);
    const x264Preset = values['x264-preset'];
    if (x264Preset !== undefined && !exportSettingsSchema.shape.preset.safeParse(x264Preset).success) {
      throw new UsageError(`--x264-preset must be one of ${exportSettingsSchema.shape.preset.options.join(', ')}`);
    }
    const codec = values.codec;
    if (codec !== undefined && !(MASTER_CODECS as readonly string[]).includes(codec)) {
      throw new UsageError(`--codec must be one of ${MASTER_CODECS.join(', ')}`);
    }
    const range = rangeOption(values.range);
    if (values['detector-model'] !== undefined && (command === 'render' || command === 'verify')) {
      throw new UsageError('--detector-model is for detect, auto and batch');
    }
    // Checked before any work: a bad model fails the run (exit 3), not each clip of a batch.
    const detectorModel = values['detector-model'] === undefined ? undefined : await inspectOnnxFaceModel(values['detector-model']);
    const overwrite = values.force ?? false;
    const progress = progressReporter(out);
    const callbacks = {
      signal: controller.signal,
      onStage: (s: ClipStage) => progress.stage(s),
      onProgress: (s: ClipStage, p: JobProgress) => progress.update(s, p),
    };
    const started = performance.now();
    const result: Record<string, unknown> = { ok: true, command };
    const finish = (code: number = EXIT.ok) => {
      result.totalSeconds = round((performance.now() - started) / 1000);
      if (out.json) process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
      else process.stdout.write(summary(result));
      return code;
    };

    if (command === 'follow') {
      const done = await followCommand(input, values, { signal: controller.signal, onProgress: (p) => progress.update('follow', p) });
      progress.end();
      Object.assign(result, done);
      return finish();
    }
    if (command === 'verify') {
      const reportPath = values.report ?? auditReportPaths(path.resolve(input)).json;
      const verified = await verifyExport(input, reportPath, { signal: controller.signal, onProgress: (p) => progress.update('leak-check', p) });
      progress.end();
      Object.assign(result, {
        ok: verified.verified,
        master: verified.masterPath,
        report: verified.reportPath,
        verified: verified.verified,
        masterMatchesReport: verified.masterMatchesReport,
        source: verified.source,
        approvedExport: verified.approvedExport,
        framesChecked: verified.leakCheck.framesChecked,
        leakFindings: verified.leakCheck.findings.length,
        unreportedFindings: verified.unreportedFindings.map((f) => ({ id: f.id, frames: f.frames, confidence: round(f.confidence) })),
      });
      return finish(verified.verified ? EXIT.ok : EXIT.unverified);
    }

    if (command === 'batch') {
      const outputDir = path.resolve(values.output ?? path.join(input, 'blurred'));
      const videos = await listVideos(path.resolve(input));
      if (videos.length === 0) throw new BlurlineError('SOURCE_NOT_FOUND', `no videos in ${path.resolve(input)}`);
      const settings = { preset, detectorModel, codec: (codec as MasterCodec | undefined) ?? DEFAULT_EXPORT_SETTINGS.videoCodec, overwrite };
      const clashes = new Map(masterClashes(videos, outputDir, settings.codec).map((c) => [c.sourcePath, c] as const));
      const clips: Record<string, unknown>[] = [];
      for (const [i, video] of videos.entries()) {
        if (!out.json && !out.quiet) process.stderr.write(`[${i + 1}/${videos.length}] ${path.basename(video)}\n`);
        try {
          const clash = clashes.get(video);
          if (clash) {
            throw new BlurlineError('OUTPUT_EXISTS', `${path.basename(clash.clashesWith)} of this batch is written to ${clash.master} already: rename one of them`);
          }
          const done = await anonymiseClip(video, outputDir, settings, callbacks);
          progress.end();
          clips.push({
            source: video,
            ok: true,
            master: done.masterPath,
            project: done.projectPath,
            report: done.reportPaths.json,
            tracks: done.tracks,
            leakFindings: done.leakFindings,
            leakCheckPasses: done.leakCheckPasses.map(passSummary),
            seconds: round(done.seconds),
          });
        } catch (err) {
          progress.end();
          // Ctrl-C stops the batch; anything else is this clip's failure, and the next clip goes on.
          if (isCancelled(err)) throw err;
          const { code, message } = err instanceof BlurlineError ? err : { code: 'UNEXPECTED', message: String(err) };
          clips.push({ source: video, ok: false, code, message });
          if (!out.json && !out.quiet) process.stderr.write(`  failed: ${message}\n`);
        }
      }
      const failed = clips.filter((c) => !c.ok).length;
      Object.assign(result, { ok: failed === 0, outputDir, clips, done: clips.length - failed, failed });
      return finish(failed === 0 ? EXIT.ok : EXIT.batchFailed);
    }
    if (!values.output) throw new UsageError(`${command} needs -o <output>`);

    let project: Project;
    let projectPath: string | null = null;
    if (command === 'render') {
      const relinked = await relinkMovedSource(await readProjectFile(input), input);
      project = relinked.project;
      if (relinked.relinkedFrom) {
        result.relinkedFrom = relinked.relinkedFrom;
        if (!out.json && !out.quiet) process.stderr.write(`the video had moved: found ${project.source.path} by its SHA-256 (the project named ${relinked.relinkedFrom})\n`);
      }
    } else {
      // Fail on a bad output path before minutes of analysis.
      if (command === 'auto') checkOutputPath(input, values.output, overwrite, (codec as MasterCodec | undefined) ?? DEFAULT_EXPORT_SETTINGS.videoCodec);
      projectPath = command === 'detect' ? path.resolve(values.output) : projectPathFor(values.output);
      if (existsSync(projectPath) && !overwrite) {
        throw new BlurlineError('OUTPUT_EXISTS', `project already exists: ${projectPath} (use --force to replace it)`);
      }
      const detected = await detectToProject(input, {
        ...callbacks,
        preset,
        detectorModel,
      });
      progress.end();
      project = detected.project;
      Object.assign(result, {
        framesAnalysed: detected.framesAnalysed,
        faces: detected.faces,
        analyseSeconds: round(detected.analyseSeconds),
        analysisFps: round(detected.framesAnalysed / detected.analyseSeconds),
      });
    }
    if (crf !== undefined) project.exportSettings.crf = Math.round(crf);
    if (x264Preset) project.exportSettings.preset = x264Preset as Project['exportSettings']['preset'];
    if (values['keep-metadata']) project.exportSettings.stripMetadata = false;
    if (codec) project.exportSettings.videoCodec = codec as MasterCodec;
    if (range) project.exportSettings.range = range;
    if (projectPath) {
      project.updatedAt = new Date().toISOString();
      await writeProjectFile(projectPath, project);
      result.project = projectPath;
    }
    Object.assign(result, {
      source: project.source.path,
      frames: project.source.frameCount,
      width: project.source.width,
      height: project.source.height,
      tracks: project.tracks.length,
      possibleFaces: project.tracks.filter((t) => t.origin === 'person').length,
    });
    if (command !== 'detect') {
      const exported = await exportMaster(project, values.output, {
        ...callbacks,
        overwrite,
        leakCheck: !values['skip-leak-check'],
        // auto renders again while the leak check finds faces; render keeps to the project it was given (a reviewed pass).
        maxPasses: command === 'auto' ? AUTO_EXPORT_PASSES : 1,
        onPass: (pass) => {
          progress.end();
          if (pass > 1 && !out.json && !out.quiet) process.stderr.write(`pass ${pass}: rendering again with the faces the leak check found as tracks…\n`);
        },
      });
      const rendered = exported.render;
      progress.end();
      if (projectPath && exported.project !== project) {
        // The project beside the master gets the leak check's tracks: it is what the master was rendered from.
        await writeProjectFile(projectPath, exported.project);
      }
      Object.assign(result, {
        output: rendered.outputPath,
        codec: rendered.videoCodec,
        range: rendered.range,
        regions: rendered.plannedRegions,
        renderSeconds: round(rendered.elapsedSeconds),
        renderFps: round(rendered.frames / rendered.elapsedSeconds),
        repeatedFrames: rendered.repeatedFrames,
        leakFindings: exported.report.leakCheck?.findings.length ?? null,
        leakCheckPasses: exported.report.leakCheckPasses.map(passSummary),
        report: exported.reportPaths.json,
        approvedExport: exported.report.approval.approvedExport,
      });
    }
    return finish();
  } catch (err) {
    return reportError(err, out);
  } finally {
    process.off('SIGINT', onSigint);
    process.off('SIGTERM', onSigint);
  }
}

/** A leak-check pass as `--json` and the summary give it. */
function passSummary(pass: LeakCheckPass) {
  return { pass: pass.pass, findings: pass.findings.map((f) => f.id), tracksAdded: pass.tracksAdded, clean: pass.clean, seconds: round(pass.elapsedSeconds) };
}

/** What each pass did, for a run that rendered more than once ("pass 2: …"). */
function passLines(passes: readonly ReturnType<typeof passSummary>[], indent = ''): string[] {
  if (passes.length < 2) return [];
  const faces = (n: number) => (n === 1 ? '1 face' : `${n} faces`);
  return passes.map((p) => {
    const found = p.findings.length;
    if (p.clean) return `${indent}pass ${p.pass}: leak check clean`;
    if (p.tracksAdded.length > 0) {
      return `${indent}pass ${p.pass}: ${faces(found)} found by the leak check (${p.findings.join(', ')}) added as ${p.tracksAdded.length === 1 ? 'a track' : 'tracks'} (${p.tracksAdded.join(', ')}) and blurred in pass ${p.pass + 1}`;
    }
    return `${indent}pass ${p.pass}: ${faces(found)} still found by the leak check (${p.findings.join(', ')}) — see the report`;
  });
}

function round(n: number): number {
  return Math.round(n * 100) / 100;
}

function summary(r: Record<string, unknown>): string {
  const lines: string[] = [];
  if (r.framesAnalysed !== undefined) {
    const possible = r.possibleFaces ? ` (${r.possibleFaces} of them possible faces over persons whose face was not found: review them)` : '';
    lines.push(`analysed ${r.framesAnalysed} frames at ${r.analysisFps} fps: ${r.faces} face detections → ${r.tracks} tracks${possible}`);
  }
  if (r.project) lines.push(`project: ${r.project}`);
  if (r.output) lines.push(`master:  ${r.output} (${r.regions} blurred regions, ${r.renderFps} fps)`);
  const repeated = (r.repeatedFrames as number[] | undefined) ?? [];
  if (repeated.length) lines.push(`         source frame${repeated.length > 1 ? 's' : ''} ${repeated.join(', ')} could not be decoded (damaged); the frame before stands in`);
  if (r.leakCheckPasses) lines.push(...passLines(r.leakCheckPasses as ReturnType<typeof passSummary>[]));
  if (r.report) {
    const leaks = r.leakFindings === null ? 'leak check skipped' : r.leakFindings === 0 ? 'leak check: no face left showing' : `leak check: ${r.leakFindings} face(s) left showing — see the report`;
    lines.push(`report:  ${r.report} (${leaks}; ${r.approvedExport ? 'approved export' : 'not an approved export'})`);
  }
  if (r.command === 'follow') {
    const span = r.followed as { first: number; last: number };
    lines.push(`followed ${r.label} on frames ${span.first}–${span.last} at ${r.followFps} fps: ${r.description}`);
    lines.push(`track ${r.track} (${r.keyframes} keyframes)`);
  }
  if (r.command === 'verify') {
    lines.push(`master ${r.masterMatchesReport ? 'matches' : 'DOES NOT match'} its report; source ${r.source}; ${r.framesChecked} frames checked`);
    const unreported = r.unreportedFindings as { id: string; frames: number[] }[];
    for (const f of unreported) lines.push(`  a face the report does not list, frames ${f.frames[0]}–${f.frames[f.frames.length - 1]} (${f.frames.length} frames)`);
    lines.push(r.verified ? 'verified: an approved export, as its report says' : `NOT verified${r.approvedExport ? '' : ' (the report does not call it an approved export)'}`);
  }
  if (r.command === 'batch') {
    for (const c of r.clips as Record<string, unknown>[]) {
      lines.push(c.ok ? `done    ${c.source} → ${c.master} (${c.tracks} tracks, ${c.leakFindings} leak findings)` : `FAILED  ${c.source}: ${c.message}`);
      if (c.ok) lines.push(...passLines(c.leakCheckPasses as ReturnType<typeof passSummary>[], '        '));
    }
    lines.push(`${r.done} done, ${r.failed} failed; results in ${r.outputDir}`);
  }
  return `${lines.join('\n')}\n`;
}

function reportError(err: unknown, out: Output): number {
  if (err instanceof UsageError || err instanceof FollowUsageError || (err as NodeJS.ErrnoException)?.code?.startsWith?.('ERR_PARSE_ARGS')) {
    const message = (err as Error).message;
    if (out.json) process.stdout.write(`${JSON.stringify({ ok: false, code: 'USAGE', message })}\n`);
    else process.stderr.write(`blurline: ${message}\nRun blurline --help for usage.\n`);
    return EXIT.usage;
  }
  if (err instanceof BlurlineError) {
    const cancelled = isCancelled(err);
    if (out.json) process.stdout.write(`${JSON.stringify({ ok: false, code: err.code, message: err.message })}\n`);
    else process.stderr.write(cancelled ? 'blurline: cancelled; nothing was written\n' : `blurline: ${err.message}\n`);
    if (err.detail && !out.json && process.env.BLURLINE_DEBUG) process.stderr.write(`${err.detail}\n`);
    return EXIT_BY_CODE[err.code];
  }
  // The stack is for a bug report (BLURLINE_DEBUG=1), never the message.
  const message = err instanceof Error ? err.message : String(err);
  if (out.json) process.stdout.write(`${JSON.stringify({ ok: false, code: 'UNEXPECTED', message })}\n`);
  else process.stderr.write(`blurline: unexpected error: ${message}\n`);
  if (err instanceof Error && err.stack && !out.json && process.env.BLURLINE_DEBUG) process.stderr.write(`${err.stack}\n`);
  return EXIT.unexpected;
}
