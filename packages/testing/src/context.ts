import type { Connection } from './connection.js';
import type { EngineCore } from './core.js';

/** What a command handler receives. */
export interface HandlerContext {
  core: EngineCore;
  conn: Connection;
  /** The whole request frame. */
  msg: Record<string, unknown>;
  /** `msg.arguments`, or `{}`. */
  args: Record<string, unknown>;
}

/** A handler's result: the response body, or undefined for a response without body. Failures are thrown. */
export type Handler = (ctx: HandlerContext) => Promise<Record<string, unknown> | undefined>;

/** The task token of a request: the credential lock wins, then `arguments.token`, then a top-level `token`. */
export function requestToken(ctx: HandlerContext): unknown {
  if (ctx.conn.lock) return ctx.conn.lock.token;
  return ctx.args.token ?? ctx.msg.token;
}
