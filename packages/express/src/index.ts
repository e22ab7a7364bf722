export { uploadHandler, type UploadClient, type UploadHandlerOptions, type UploadRequestHandler } from './upload-handler.js';
export { httpStatusOf, errorBody, ERR_PAYLOAD_TOO_LARGE, type ErrorBody } from './http-errors.js';
export { mimeTypeOf, nameOf, NAME_HEADER, type RequestLike } from './request-info.js';
export type { NextLike } from './respond.js';
export { sseHandler, SSE_ERROR_EVENT, ERR_SSE_SLOW_CLIENT, type SseClient, type SseFilter, type SseHandlerOptions, type SseRequestHandler } from './sse-handler.js';
export { storeDownloadHandler, parseRange, type DownloadClient, type DownloadRequestHandler, type StoreDownloadOptions } from './store-download.js';
