export * from './errors/index.js';
export * from './errors/aliases.js';
export * from './codec/index.js';
export * from './config/index.js';
export * from './schema/index.js';
export * from './client/index.js';
// The socket layer (Connection, openSocket, sendEncoded) stays internal: its types are those of `ws`,
// which would make every consumer's typecheck need @types/ws.
export { PendingRequests, REASON_REQUESTED } from './transport/index.js';
export { VERSION } from './version.js';
