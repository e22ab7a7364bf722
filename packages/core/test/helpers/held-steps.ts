import type { DAPRequest } from '../../src/codec/types.js';
import { defaultHandler, type RawContext, type RawServer } from '../../src/test-helpers/raw-server.js';

/** Polls `check` every 5 ms for up to 2 s; throws if it never held. */
export async function until(check: () => boolean): Promise<void> {
  for (let i = 0; i < 400 && !check(); i++) await new Promise((r) => setTimeout(r, 5));
  if (!check()) throw new Error('condition never held');
}

/** The error `p` rejects with; a `p` that resolves fails the test. */
export const caught = (p: Promise<unknown>) =>
  p.then(
    () => {
      throw new Error('expected a rejection');
    },
    (e: unknown) => e as Error & { code?: string },
  );

export type Step = 'open' | 'write' | 'close';
/** Unanswered `rrext_process` requests, by step, in arrival order. */
export type Held = Record<Step, Array<{ request: DAPRequest; ctx: RawContext }>>;

/** A raw-server handler that holds every `rrext_process` request in `held` until the test answers it. */
export function holding(held: Held): (request: DAPRequest, ctx: RawContext) => void {
  return (request, ctx) => {
    if (request.command !== 'rrext_process') return defaultHandler(request, ctx);
    held[request.arguments?.subcommand as Step].push({ request, ctx });
  };
}

/** Answers the oldest held request of `step` (`pipeId` for `open`, a result for `close`). */
export function answer(held: Held, step: Step, pipeId = 7): void {
  const next = held[step].shift();
  if (next === undefined) throw new Error(`no ${step} is waiting`);
  if (step === 'open') next.ctx.reply({ pipe_id: pipeId });
  else if (step === 'close') next.ctx.reply({ name: 'a.bin', objectId: 'o1' });
  else next.ctx.reply();
}

/** The `rrext_process` steps `server` received, in order. */
export const stepsReceived = (server: RawServer): string[] =>
  server.received.filter((r) => r.command === 'rrext_process').map((r) => String(r.arguments?.subcommand));
