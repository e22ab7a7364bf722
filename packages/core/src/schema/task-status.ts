/** Task states reported in `TaskStatus.state`. */
export const TaskState = {
  NONE: 0,
  STARTING: 1,
  INITIALIZING: 2,
  RUNNING: 3,
  STOPPING: 4,
  COMPLETED: 5,
  CANCELLED: 6,
} as const;
export type TaskStateValue = (typeof TaskState)[keyof typeof TaskState];

/** A task's object and byte counters: part of TASK_STATUS, and the body of `apaevt_status_counts`. */
export interface TaskCounters {
  totalSize: number;
  totalCount: number;
  completedSize: number;
  completedCount: number;
  failedSize: number;
  failedCount: number;
  wordsSize: number;
  wordsCount: number;
  rateSize: number;
  rateCount: number;
}

/** The body of `rrext_get_task_status` and of `apaevt_status_update` events. */
export interface TaskStatus extends TaskCounters {
  name: string;
  project_id: string;
  source: string;
  completed: boolean;
  state: TaskStateValue | number;
  startTime: number;
  endTime: number;
  debuggerAttached: boolean;
  serviceUp: boolean;
  status: string;
  warnings: string[];
  errors: string[];
  currentObject: string;
  currentSize: number;
  notes: Array<string | Record<string, unknown>>;
  exitCode: number;
  exitMessage: string;
  pipeflow: { totalPipes: number; byPipe: Record<string, string[]> };
  metrics: Record<string, number>;
  tokens: Record<string, unknown>;
  /** Task display id, present on events. */
  __id?: string;
  [key: string]: unknown;
}

/** The body of a successful `execute` (SDK `use()`). */
export interface UseResult {
  id: string;
  token: string;
  publicToken: string;
  projectId: string;
  source: string;
  provider: string;
  [key: string]: unknown;
}
