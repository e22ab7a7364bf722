import type { PipelineResult } from 'rocketride-streams';

/** One file of a `multipart/form-data` upload that the engine committed. */
export interface UploadedFile {
  /** The form field the file came in. */
  field: string;
  /** The object name: the part's file name, else the field name. */
  name: string;
  /** The part's `Content-Type` (it selects the engine lane). */
  mimeType: string;
  /** Bytes of the file, all of which the engine received. */
  size: number;
  /** The engine's result for the object (`PIPELINE_RESULT`). */
  result: PipelineResult;
}

/**
 * What became of one file of a failed `multipart/form-data` upload: `result` when the engine committed
 * it before the failure, `error` when it was not committed (its pipe destroyed, never closed, or the
 * engine refused it).
 */
export interface FileOutcome {
  field: string;
  name: string;
  mimeType: string;
  /** Bytes of the part that were received. */
  size: number;
  result?: PipelineResult;
  error?: { code: string; message: string };
}

/** What an upload became: one object for a plain body, one per file for a `multipart/form-data` form. */
export type UploadOutcome = { kind: 'body'; result: PipelineResult } | { kind: 'multipart'; files: UploadedFile[] };
