import { TaskState } from '@rocketride-streams/core';

export { TaskState };

/** The data counters of a TASK_STATUS, all zero. */
export function zeroCounters() {
  return {
    totalSize: 0,
    totalCount: 0,
    completedSize: 0,
    completedCount: 0,
    failedSize: 0,
    failedCount: 0,
    wordsSize: 0,
    wordsCount: 0,
    rateSize: 0,
    rateCount: 0,
  };
}

const zeroMetrics = () => ({
  cpu_percent: 0,
  cpu_memory_mb: 0,
  gpu_memory_mb: 0,
  peak_cpu_percent: 0,
  peak_cpu_memory_mb: 0,
  peak_gpu_memory_mb: 0,
  avg_cpu_percent: 0,
  avg_cpu_memory_mb: 0,
  avg_gpu_memory_mb: 0,
});

/** A TASK_STATUS for a task that is not running (monitor catch-up placeholder). */
export function notRunningStatus(projectId: string, source: string): Record<string, unknown> {
  return {
    name: '',
    project_id: projectId,
    source,
    completed: false,
    state: TaskState.NONE,
    startTime: 0,
    endTime: 0,
    debuggerAttached: false,
    serviceUp: false,
    status: 'Not running',
    warnings: [],
    errors: [],
    currentObject: '',
    currentSize: 0,
    notes: [],
    ...zeroCounters(),
    exitCode: 0,
    exitMessage: '',
    pipeflow: { totalPipes: 0, byPipe: {} },
    metrics: zeroMetrics(),
    tokens: { cpu_utilization: 0, cpu_memory: 0, gpu_memory: 0, gpu_inference: 0, custom: {}, total: 0 },
  };
}

