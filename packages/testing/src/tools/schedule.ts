import { CronExpressionParser } from 'cron-parser';
import { serverFailure } from '../failure.js';
import type { EngineProfile } from '../types.js';
import { pyRepr } from '../store/pytext.js';

/** The presets the server accepts besides `"manual"`. `@reboot` is not one. */
export const SCHEDULE_PRESETS: readonly string[] = ['@yearly', '@annually', '@monthly', '@weekly', '@daily', '@midnight', '@hourly'];

const PRESET_EXPRESSIONS: Readonly<Record<string, string>> = {
  '@yearly': '0 0 1 1 *',
  '@annually': '0 0 1 1 *',
  '@monthly': '0 0 1 * *',
  '@weekly': '0 0 * * 0',
  '@daily': '0 0 * * *',
  '@midnight': '0 0 * * *',
  '@hourly': '0 * * * *',
};

/** A cron expression with 5 fields, or (`head`, which follows croniter) 6 with seconds first. */
function cronFields(text: string, profile: EngineProfile): boolean {
  const n = text.trim().split(/\s+/).length;
  return text.trim() !== '' && (n === 5 || (profile === 'head' && n === 6));
}

/**
 * Checks a deployment schedule as the server does: `"manual"`, a preset, or a cron expression. A refused value fails
 * with the server's message, which quotes it as Python's repr. Under `intended` only 5-field expressions pass, as the
 * message says; `head` also takes croniter's 6-field form, as upstream does.
 */
export function validateSchedule(value: unknown, profile: EngineProfile): string {
  if (typeof value === 'string' && (value === 'manual' || SCHEDULE_PRESETS.includes(value))) return value;
  if (typeof value === 'string' && !value.startsWith('@') && cronFields(value, profile)) {
    try {
      CronExpressionParser.parse(value, { currentDate: new Date(0) });
      return value;
    } catch {
      // refused below
    }
  }
  throw serverFailure(
    `Invalid schedule ${pyRepr(value)}. Expected "manual", a cron preset (@hourly etc.), or a 5-field cron expression.`,
    'cmd_deploy.py',
    61,
  );
}

/** The first time strictly after `fromMs` (epoch ms) at which an accepted non-manual schedule fires. */
export function nextRun(schedule: string, fromMs: number): number {
  const expression = PRESET_EXPRESSIONS[schedule] ?? schedule;
  return CronExpressionParser.parse(expression, { currentDate: new Date(fromMs) }).next().getTime();
}
