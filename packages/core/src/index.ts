export * from './errors/index.js';
export * from './errors/aliases.js';
export * from './codec/index.js';
export * from './config/index.js';
export * from './schema/index.js';
export * from './client/index.js';
// The transport (Connection, openSocket, sendEncoded, PendingRequests, the request manager) stays
// internal: it is not an API of its own, and its types are those of `ws` (every consumer's typecheck
// would need @types/ws). The sibling packages reach what they need through `./internal.ts`.
export { REASON_REQUESTED } from './transport/socket.js';
export { VERSION } from './version.js';
