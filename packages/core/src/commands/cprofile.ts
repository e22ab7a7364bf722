import type { ExecutionErrorCode } from '../errors/codes.js';
import type { DAPResponse } from '../codec/types.js';
import type { CallOptions } from '../config/options.js';
import { ExecutionError } from '../errors/execution-error.js';
import { ValidationError } from '../errors/validation-error.js';
import { responseError } from '../config/checks.js';
import { isRecord } from '../config/shape.js';
import { type CommandHost, checkCallOptions } from './host.js';

/** `cprofileStart()`: the session that started. */
export interface CProfileStartResult {
  status: 'started';
  session: string;
  /** `task:<connection number>` on the server, `data:<id>` inside a task's engine. */
  owner: string;
  /** Epoch seconds. */
  start_time: number;
  [key: string]: unknown;
}

/** `cprofileStop()`: the session that ended; its report is then available from `cprofileReport()`. */
export interface CProfileStopResult {
  status: 'completed';
  session: string;
  /** Seconds. */
  runtime: number;
  [key: string]: unknown;
}

/** `cprofileStatus()`: the active session, or none (`has_report` says whether a report is waiting). */
export type CProfileStatus =
  | { active: true; owner: string; session: string; runtime: number; [key: string]: unknown }
  | { active: false; owner: null; session: null; runtime: null; has_report: boolean; [key: string]: unknown };

/** `cprofileReport()`: the `pstats` listing, or `"No profiling data available. Run a session first."`. */
export interface CProfileReport {
  report: string;
  [key: string]: unknown;
}

/**
 * The code of a refusal, by the engine's message: both `head`'s `success:true, status:"error"` (§16.H ⚠) and a
 * `success:false` answer carry one of these.
 */
function refusalCode(message: string, fallback: ExecutionErrorCode): ExecutionErrorCode {
  if (message.startsWith('Profiling already active')) return 'ERR_CPROFILE_ACTIVE';
  if (message.startsWith('No active profiling session')) return 'ERR_CPROFILE_NOT_ACTIVE';
  if (message.startsWith('Session owned by')) return 'ERR_CPROFILE_NOT_OWNER';
  return fallback;
}

function args(target: unknown, session?: unknown): Record<string, unknown> {
  if (target !== undefined && target !== null && (typeof target !== 'string' || target === '')) {
    throw new ValidationError('target must be a task token (a non-empty string), or undefined for the server', { code: 'ERR_INVALID_ARGUMENT' });
  }
  if (session !== undefined && (typeof session !== 'string' || session === '')) {
    throw new ValidationError('session must be a non-empty string', { code: 'ERR_INVALID_ARGUMENT' });
  }
  return { ...(typeof target === 'string' ? { target } : {}), ...(session !== undefined ? { session } : {}) };
}

/**
 * Sends one `rrext_cprofile_*` command. A failure, whether `success:false` or HEAD's `success:true` with
 * `body.status:"error"`, is an ExecutionError: `ERR_CPROFILE_ACTIVE`, `ERR_CPROFILE_NOT_ACTIVE`,
 * `ERR_CPROFILE_NOT_OWNER`, or `fallback` (e.g. `Your pipeline is not running` for an unknown target).
 */
async function profileCall<B>(host: CommandHost, command: string, a: Record<string, unknown>, fallback: ExecutionErrorCode, options: unknown): Promise<B> {
  const opts = checkCallOptions(options);
  const response: DAPResponse<unknown> = await host.request(command, a, { signal: opts?.signal });
  if (!response.success) {
    const message = typeof response.message === 'string' ? response.message : '';
    throw responseError(ExecutionError, refusalCode(message, fallback), response, `${command} failed`);
  }
  const body = response.body;
  if (!isRecord(body)) throw new ExecutionError(`${command} failed: the engine returned no body`, { code: fallback, command, response });
  if (body.status === 'error') {
    const message = typeof body.message === 'string' && body.message !== '' ? body.message : `${command} failed`;
    throw new ExecutionError(message, { code: refusalCode(message, fallback), serverMessage: message, command, response });
  }
  return body as B;
}

/** Starts profiling the server process, or the engine of the task whose token is `target`. */
export async function cprofileStart(host: CommandHost, target?: string | null, session?: string, options?: CallOptions): Promise<CProfileStartResult> {
  return profileCall(host, 'rrext_cprofile_start', args(target, session), 'ERR_CPROFILE_START', options);
}

/** Stops the session this connection owns. */
export async function cprofileStop(host: CommandHost, target?: string | null, options?: CallOptions): Promise<CProfileStopResult> {
  return profileCall(host, 'rrext_cprofile_stop', args(target), 'ERR_CPROFILE_STOP', options);
}

/** Whether a session is active. */
export async function cprofileStatus(host: CommandHost, target?: string | null, options?: CallOptions): Promise<CProfileStatus> {
  return profileCall(host, 'rrext_cprofile_status', args(target), 'ERR_CPROFILE_STATUS', options);
}

/** The report of the last completed session. */
export async function cprofileReport(host: CommandHost, target?: string | null, options?: CallOptions): Promise<CProfileReport> {
  return profileCall(host, 'rrext_cprofile_report', args(target), 'ERR_CPROFILE_REPORT', options);
}
