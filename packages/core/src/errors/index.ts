export { RocketRideError, type RocketRideErrorOptions, type ServerTrace } from './rocketride-error.js';
export { ConnectionError } from './connection-error.js';
export { AuthenticationError } from './authentication-error.js';
export { PipeError } from './pipe-error.js';
export { ExecutionError } from './execution-error.js';
export { ValidationError } from './validation-error.js';
export { ProtocolError } from './protocol-error.js';
export { TimeoutError } from './timeout-error.js';
export { AbortError } from './abort-error.js';
