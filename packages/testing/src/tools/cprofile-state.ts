/** One profiling session. */
export interface ProfileSession {
  session: string;
  /** `task:<connection number>` (server process) or `data:<n>` (a task's engine). */
  owner: string;
  /** The owning connection (server-process sessions end with it). */
  ownerConnection?: number;
  /** Epoch seconds. */
  startTime: number;
}

/** The profiler of one process: at most one session, and the report of the last one stopped. */
export class ProcessProfiler {
  active: ProfileSession | undefined;
  report: string | undefined;
}

/** The server process's profiler, and one per task engine (keyed by the task object, so a re-run starts clean). */
export class ProfileSessions {
  readonly server = new ProcessProfiler();
  private readonly engines = new WeakMap<object, ProcessProfiler>();

  engine(task: object): ProcessProfiler {
    let p = this.engines.get(task);
    if (!p) {
      p = new ProcessProfiler();
      this.engines.set(task, p);
    }
    return p;
  }
}
