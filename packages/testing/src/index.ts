export { startEngine } from './server.js';
export {
  DEFAULT_MAX_PIPE_HISTORY,
  DEFAULT_MAX_REQUEST_LOG,
  DEFAULT_TIMING,
  type Engine,
  type EngineOptions,
  type EngineProfile,
  type EngineTiming,
  type FaultControls,
  type MalformedKind,
  type PipeRecord,
  type ReceivedRequest,
  type RequestMatcher,
  type SchedulerOptions,
  type StoreHandleInfo,
  type TaskRecord,
} from './types.js';
export { NAMESPACE_URL, publicToken, pyJsonDumps, taskId, taskToken, uuid5 } from './ids.js';
export { startEngineProcess, type EngineProcess, type EngineProcessOptions } from './process.js';
export { CHAT_PIPELINE, ECHO_PIPELINE } from './pipelines.js';
export { startTestSession, testResources, type TestResources, type TestSession, type TestSessionOptions } from './session.js';
