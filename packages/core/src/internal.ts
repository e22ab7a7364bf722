/**
 * @internal `@rocketride-streams/core/internal`: what the sibling packages (streams, rx, the façade)
 * and their tests need from a client beyond its public API. Not a public API: it changes without notice.
 */
export { isAbortSignal } from './config/checks.js';
export { safeCall } from './events/emitter.js';
export { untilAborted } from './transport/pending.js';
export { type DataHost, dataHostOf, type PipeOwner } from './data/host.js';
export {
  connectionLost,
  PipeChannel,
  type PipeChannelOptions,
  type PipeChannelState,
  sameConnection,
} from './data/pipe-channel.js';
