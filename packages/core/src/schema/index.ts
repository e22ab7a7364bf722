export type { ConnectResult, OrganizationInfo, TeamInfo } from './connect-result.js';
export { TaskState, type TaskStateValue, type TaskStatus, type UseResult } from './task-status.js';
export type { PipelineError, PipelineResult, UploadEventBody, UploadResult } from './pipeline-result.js';
export type { EventBodies, KnownEvent, MonitorType, RocketRideEvent } from './events.js';
export { DEFAULT_DOC_FILTER, type Doc, type DocFilter, type DocMetadata } from './doc.js';
export { Answer, Question, type QuestionData, type QuestionInit, type QuestionType } from './question.js';
