export * from './errors/index.js';
export * from './errors/aliases.js';
export * from './codec/index.js';
export * from './config/index.js';
export * from './schema/index.js';
export * from './client/index.js';
export { Connection, openSocket, PendingRequests, REASON_REQUESTED, sendEncoded } from './transport/index.js';
export type { ConnectionHandlers, KeepaliveOptions, OpenOptions } from './transport/index.js';
export { VERSION } from './version.js';
