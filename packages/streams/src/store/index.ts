export { StoreApi, type StoreRmOptions, type StoreWriteData } from './api.js';
export { DEFAULT_STORE_READ_HIGH_WATER_MARK, StoreReadSession, type StoreReadOptions } from './read-session.js';
export { StoreReadStream } from './read-stream.js';
export { createStoreReadable } from './web-readable.js';
export { createStoreWritable } from './web-writable.js';
export { type StoreWriteOptions, StoreWriteStream } from './write-stream.js';
