export { connect, type ConnectOptions } from './connect.js';
export { RocketRide, type RocketRideHttp } from './client.js';
export * from '@rocketride-streams/core';
export * from '@rocketride-streams/streams';
export * from '@rocketride-streams/rx';
export { startEngine, type Engine, type EngineOptions } from '@rocketride-streams/testing';
