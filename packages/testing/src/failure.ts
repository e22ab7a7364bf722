/** Where a failure is raised: the main task server, or the per-task engine subprocess (swallowed under `head`). */
export type FailureSide = 'server' | 'subprocess';

/**
 * A failure the simulator answers with `success:false`. `file`/`lineno` mimic the server's `trace` field; `side`
 * says whether the HEAD profile turns it into `success:true` with no body.
 */
export class EngineFailure extends Error {
  readonly side: FailureSide;
  readonly file: string;
  readonly lineno: number;
  /** The server closes the connection (code 1000) after sending this failure. */
  readonly disconnect: boolean;

  constructor(
    message: string,
    options: { side?: FailureSide; file?: string; lineno?: number; disconnect?: boolean } = {},
  ) {
    super(message);
    this.disconnect = options.disconnect ?? false;
    this.name = 'EngineFailure';
    this.side = options.side ?? 'server';
    this.file = options.file ?? (this.side === 'subprocess' ? 'data_conn.py' : 'task_conn.py');
    this.lineno = options.lineno ?? 1;
  }
}

/** A failure raised in the engine subprocess (data plane). */
export function subprocessFailure(message: string, lineno = 1): EngineFailure {
  return new EngineFailure(message, { side: 'subprocess', file: 'data_conn.py', lineno });
}

/** A failure raised in the main server. */
export function serverFailure(message: string, file = 'task_conn.py', lineno = 1): EngineFailure {
  return new EngineFailure(message, { side: 'server', file, lineno });
}

/** Normalises anything thrown into an {@link EngineFailure}. */
export function toFailure(err: unknown): EngineFailure {
  if (err instanceof EngineFailure) return err;
  if (err instanceof Error) return new EngineFailure(err.message);
  return new EngineFailure(String(err));
}
