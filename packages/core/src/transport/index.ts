export {
  Connection,
  type ConnectionHandlers,
  type KeepaliveOptions,
  openSocket,
  openSocketWithin,
  type OpenOptions,
  type OpenWithinOptions,
  REASON_REQUESTED,
} from './socket.js';
export { sendEncoded } from './send.js';
export { abortError, PendingRequests } from './pending.js';
