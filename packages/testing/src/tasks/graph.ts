import { echoAnswers } from '../lanes/answer.js';
import { databaseAnswers, isDatabaseProvider } from '../tools/database.js';

export interface ComponentInput {
  lane: string;
  from: string;
}

export interface PipelineComponent {
  id: string;
  provider: string;
  name?: string;
  config?: Record<string, unknown>;
  input?: ComponentInput[];
}

/** Receives what flows out of the graph for one object. */
export interface RouteSink {
  /** A `response` node received `value` on `lane`. */
  collect(lane: string, value: unknown): void;
  /** A node emitted a server-sent event for the current pipe. */
  sse(type: string, data: Record<string, unknown>): void;
  /** A value entered a component (for FLOW tracing). */
  enter(componentId: string, lane: string): void;
}

const MAX_DEPTH = 32;

/**
 * The simulator's pipeline model: values leave the source on a lane and follow the components' `input` edges.
 * A `response` component collects what it receives; a component fed `questions` answers them (echo LLM) on the
 * `answers` lane; any other component passes the value through on the same lane.
 */
export class PipelineGraph {
  private readonly components: PipelineComponent[];

  constructor(
    components: unknown,
    readonly sourceId: string,
  ) {
    this.components = Array.isArray(components)
      ? components.filter((c): c is PipelineComponent => typeof c === 'object' && c !== null && typeof c.id === 'string')
      : [];
  }

  /** Lanes some component consumes directly from the source. */
  listens(): Set<string> {
    return new Set(this.consumersOf(this.sourceId).map(([, input]) => input.lane));
  }

  /** Component ids reachable from the source (for FLOW `pipes`). */
  chain(): string[] {
    const seen = new Set<string>([this.sourceId]);
    const queue = [this.sourceId];
    while (queue.length > 0) {
      const id = queue.shift()!;
      for (const [c] of this.consumersOf(id)) {
        if (!seen.has(c.id)) {
          seen.add(c.id);
          queue.push(c.id);
        }
      }
    }
    return [...seen];
  }

  /** Sends `value` out of `fromId` on `lane`. */
  route(fromId: string, lane: string, value: unknown, sink: RouteSink, depth = 0): void {
    if (depth > MAX_DEPTH) return;
    for (const [component, input] of this.consumersOf(fromId)) {
      if (input.lane !== lane) continue;
      sink.enter(component.id, lane);
      if (component.provider === 'response') {
        sink.collect(lane, value);
      } else if (lane === 'questions' && typeof value === 'object' && value !== null && isDatabaseProvider(component.provider)) {
        for (const answer of databaseAnswers(component.provider, component.config, value as Record<string, unknown>)) {
          this.route(component.id, 'answers', answer, sink, depth + 1);
        }
      } else if (lane === 'questions' && typeof value === 'object' && value !== null) {
        sink.sse('thinking', { message: 'Thinking…' });
        for (const answer of echoAnswers(value as Record<string, unknown>)) {
          sink.sse('answer', { answer });
          this.route(component.id, 'answers', answer, sink, depth + 1);
        }
      } else {
        this.route(component.id, lane, value, sink, depth + 1);
      }
    }
  }

  private consumersOf(fromId: string): [PipelineComponent, ComponentInput][] {
    const out: [PipelineComponent, ComponentInput][] = [];
    for (const c of this.components) {
      if (!Array.isArray(c.input)) continue;
      for (const input of c.input) {
        if (input && input.from === fromId && typeof input.lane === 'string') out.push([c, input]);
      }
    }
    return out;
  }
}
