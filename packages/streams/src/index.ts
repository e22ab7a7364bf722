export { PipeWritable, createPipe, type PipeWritableEvents } from './pipe-writable.js';
export { createWritable, type PipeWritableStream } from './web-writable.js';
export { upload, type UploadOptions, type UploadSource, type FileSource } from './upload.js';
export { uploadFiles, type FileEntry, type FileResult, type BatchProgress, type UploadFilesOptions } from './upload-files.js';
export {
  modeForMime,
  resolvePipeOptions,
  DEFAULT_MAX_WRITE_BYTES,
  DEFAULT_HIGH_WATER_MARK,
  type PipeMode,
  type PipeOptions,
  type PipeProgress,
} from './options.js';
export { PipeSession } from './session.js';
export { httpUpload, httpBaseUrl, type HttpTarget, type HttpUploadOptions } from './http-upload.js';
export { openSource, type OpenedSource } from './upload.js';
export * from './store/index.js';
