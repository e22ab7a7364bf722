import { AuthenticationError } from './authentication-error.js';
import { ConnectionError } from './connection-error.js';
import { ExecutionError } from './execution-error.js';
import { PipeError } from './pipe-error.js';
import { RocketRideError } from './rocketride-error.js';
import { ValidationError } from './validation-error.js';

/** The official SDKs' exception names, for mechanical migration. They are the same classes. */
export const RocketRideException = RocketRideError;
export type RocketRideException = RocketRideError;
export const DAPException = RocketRideError;
export type DAPException = RocketRideError;
export const ConnectionException = ConnectionError;
export type ConnectionException = ConnectionError;
export const AuthenticationException = AuthenticationError;
export type AuthenticationException = AuthenticationError;
export const PipeException = PipeError;
export type PipeException = PipeError;
export const ExecutionException = ExecutionError;
export type ExecutionException = ExecutionError;
export const ValidationException = ValidationError;
export type ValidationException = ValidationError;
