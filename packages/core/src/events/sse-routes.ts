/**
 * Called for each `apaevt_sse` event the pipeline emits for one pipe (`body.type`, `body.data`, `{}`
 * when absent). A returned promise is awaited for nothing; a throw or rejection does not disturb the
 * client: it is reported on `'listenerError'` (`ERR_LISTENER`; else as a process warning) and `onDebugMessage`.
 */
export type SSECallback = (type: string, data: Record<string, unknown>) => void | Promise<void>;


/** The engine's task id of a token on a source: the first 8 characters of the bare token, a dot, the source (PROTOCOL.md §12.3). */
export function taskIdOf(token: string, source: string): string {
  const bare = token.startsWith('tk_') || token.startsWith('pk_') ? token.slice(3) : token;
  return `${bare.slice(0, 8)}.${source}`;
}

interface Route {
  /** The exact task id (`__id`) when the source is known, else the `<token8>.` prefix. */
  id: string;
  exact: boolean;
  callback: SSECallback;
}

/**
 * Per-pipe SSE callbacks, routed by task AND pipe id. The official SDK keys them by pipe id alone, so
 * pipe 0 of one task received pipe 0 of every other task's events (PROTOCOL.md §13.15).
 */
export class SseRoutes {
  private readonly byPipe = new Map<number, Set<Route>>();

  /** Registers a callback; returns its removal. */
  add(token: string, source: string | undefined, pipeId: number, callback: SSECallback): () => void {
    const route: Route =
      source === undefined
        ? { id: taskIdOf(token, ''), exact: false, callback }
        : { id: taskIdOf(token, source), exact: true, callback };
    const set = this.byPipe.get(pipeId) ?? new Set<Route>();
    this.byPipe.set(pipeId, set);
    set.add(route);
    return () => {
      const current = this.byPipe.get(pipeId);
      if (current === undefined) return;
      current.delete(route);
      if (current.size === 0) this.byPipe.delete(pipeId);
    };
  }

  /** The callbacks an `apaevt_sse` body is for (none for a body of any other shape). */
  match(body: unknown): SSECallback[] {
    if (typeof body !== 'object' || body === null) return [];
    const { pipe_id: pipeId, __id: taskId } = body as { pipe_id?: unknown; __id?: unknown };
    if (typeof pipeId !== 'number') return [];
    const set = this.byPipe.get(pipeId);
    if (set === undefined) return [];
    const id = typeof taskId === 'string' ? taskId : '';
    const out: SSECallback[] = [];
    for (const route of set) if (route.exact ? id === route.id : id.startsWith(route.id)) out.push(route.callback);
    return out;
  }

  get size(): number {
    return this.byPipe.size;
  }
}
