/** The failure a pipeline reports for one object (close body `error`). */
export interface PipelineError {
  message: string;
  code?: string | number;
  file?: string;
  line?: number;
  function?: string;
  [key: string]: unknown;
}

/**
 * The body of a data pipe `close`: the object's identity plus one array per
 * lane the pipeline's `response` node received (e.g. `text`, `answers`, `documents`).
 */
export interface PipelineResult {
  /** Always added by the engine. */
  objectId: string;
  name?: string;
  path?: string;
  /** Maps each result key to its lane type, e.g. `{ text: 'text' }`. */
  result_types?: Record<string, string>;
  metadata?: Record<string, unknown>;
  text?: string[];
  answers?: unknown[];
  documents?: Array<Record<string, unknown>>;
  /** Present only when the pipeline failed the object. This library turns it into a PipeError. */
  error?: PipelineError;
  [lane: string]: unknown;
}

/** One file's outcome in `sendFiles` (UPLOAD_RESULT). */
export interface UploadResult {
  action: 'complete' | 'error';
  filepath: string;
  bytes_sent: number;
  file_size: number;
  /** Seconds from open to the end of the upload. */
  upload_time: number;
  result?: PipelineResult;
  error?: string;
}

/** The body of a client-generated `apaevt_status_upload` event: an upload's progress, then its outcome. */
export interface UploadEventBody extends Omit<UploadResult, 'action'> {
  action: 'open' | 'write' | 'close' | 'complete' | 'error';
}
