export { uploadHandler, type UploadClient, type UploadHandlerOptions, type UploadRequestHandler } from './upload-handler.js';
export { receiveUpload, type MultipartOptions, type ReceiveUploadOptions } from './receive-upload.js';
export type { FileOutcome, UploadedFile, UploadOutcome } from './outcome.js';
export { MultipartError } from './upload-errors.js';
export { httpStatusOf, errorBody, type ErrorBody } from './http-errors.js';
export * from './codes.js';
export { mimeTypeOf, nameOf, NAME_HEADER, type RequestLike } from './request-info.js';
export type { NextLike } from './respond.js';
export {
  sseHandler,
  SSE_END_EVENT,
  SSE_ERROR_EVENT,
  SSE_GAP_EVENT,
  ERR_SSE_SLOW_CLIENT,
  type SseClient,
  type SseFilter,
  type SseHandlerOptions,
  type SseRequestHandler,
} from './sse-handler.js';
export { storeDownloadHandler, parseRange, type DownloadClient, type DownloadRequestHandler, type StoreDownloadOptions } from './store-download.js';
export {
  storeUploadHandler,
  receiveStoreUpload,
  type ReceiveStoreUploadOptions,
  type StoredFile,
  type StoreUploadOptions,
} from './store-upload.js';
export type { StoreClient } from './store-client.js';
