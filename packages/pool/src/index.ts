export { connectPool, RocketRidePool } from './pool.js';
export { PoolTask, type ReplicaInfo } from './pool-task.js';
export type { PoolOptions, PoolEngineSpec, PoolStrategy } from './options.js';
export type { PoolUseOptions } from './use-options.js';
export type { EngineHealth } from './engine.js';
export type { PoolEvent, PoolTaskStatus } from './observe.js';
export type { PoolBatchProgress, PoolFileResult, PoolFileStatus, PoolUploadFilesOptions } from './upload-files.js';
export { DEFAULT_NO_ENGINE_WAIT_MS } from './checks.js';
