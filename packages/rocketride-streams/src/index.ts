export { connect, type ConnectOptions } from './connect.js';
export { RocketRide, type RocketRideHttp } from './client.js';
export * from '@rocketride-streams/core';
export * from '@rocketride-streams/streams';
export * from '@rocketride-streams/rx';
// Several engines as one (issue 14): connectPool(), RocketRidePool, PoolTask.
export * from '@rocketride-streams/pool';
// The simulator is an optional peer dependency, loaded only when used: importing this package never loads it.
export { EMBEDDED_WARNING_CODE, startEngine } from './simulator.js';
export type { Engine, EngineOptions } from '@rocketride-streams/testing';
