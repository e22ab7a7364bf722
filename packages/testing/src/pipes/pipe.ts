import { subprocessFailure } from '../failure.js';
import { ResultCollector } from '../lanes/collector.js';
import { decodeUtf8, parseDocuments, parseJsonChunk, parseJsonObject, parseQuestion } from '../lanes/parse.js';
import { KNOWN_LANES } from '../lanes/select.js';
import type { PipelineGraph, RouteSink } from '../tasks/graph.js';
import type { EngineObject } from './objinfo.js';
import type { PipeRecordImpl } from './record.js';

/** What a pipe needs from its task. */
export interface PipeHost {
  readonly graph: PipelineGraph;
  emitSse(pipeId: number, type: string, data: Record<string, unknown>): void;
  emitFlow(pipeId: number, op: 'begin' | 'enter' | 'leave' | 'end', trace: Record<string, unknown>): void;
  addWords(count: number, bytes: number): void;
}

/** One open data pipe in the engine subprocess. */
export class Pipe {
  failed = false;
  inFlight = 0;
  lastActivity = Date.now();
  private readonly collector = new ResultCollector();
  private readonly media: Buffer[] = [];

  constructor(
    readonly id: number,
    readonly object: EngineObject,
    readonly mimeType: string,
    readonly lane: string,
    readonly record: PipeRecordImpl,
    private readonly host: PipeHost,
  ) {
    host.emitFlow(id, 'begin', { lane });
  }

  /** Runs one chunk through the lane and the pipeline. Any failure poisons the pipe. */
  write(data: Buffer): void {
    if (this.failed) throw subprocessFailure(`Write pipe with id ${this.id} has failed`, 301);
    try {
      this.apply(data);
    } catch (err) {
      this.failed = true;
      this.record.state = 'failed';
      throw err;
    }
    this.record.append(data);
  }

  /** Ends the object: flushes media lanes and returns the PIPELINE_RESULT. */
  finish(): Record<string, unknown> {
    if (!this.failed && this.media.length > 0) {
      const bytes = Buffer.concat(this.media);
      const value =
        this.lane === 'image'
          ? { mime_type: this.mimeType, image: bytes.toString('base64') }
          : { url: this.object.url, aviAction: 'end', mimeType: this.mimeType, size: bytes.length };
      this.route(this.lane, value);
    }
    this.host.emitFlow(this.id, 'end', { lane: this.lane });
    return {
      name: this.object.name,
      path: '',
      ...this.collector.build(),
      objectId: this.object.objectId,
    };
  }

  private apply(data: Buffer): void {
    switch (this.lane) {
      case 'text': {
        const text = decodeUtf8(data);
        this.host.addWords(text.split(/\s+/).filter(Boolean).length, data.length);
        this.route('text', text);
        return;
      }
      case 'table':
        this.route('table', decodeUtf8(data));
        return;
      case 'questions':
        this.route('questions', parseQuestion(data));
        return;
      case 'documents':
        for (const doc of parseDocuments(data)) this.route('documents', doc);
        return;
      case 'answers':
        this.route('answers', parseJsonChunk(data, 'Answer'));
        return;
      case 'classifications':
        this.route('classifications', parseJsonObject(data, 'Classifications'));
        return;
      case 'image':
      case 'audio':
      case 'video':
        this.media.push(data);
        return;
      case 'raw':
      case 'tag':
        return;
      default:
        if (!KNOWN_LANES.has(this.lane)) throw subprocessFailure(`Invalid lane ${this.lane}`, 288);
    }
  }

  private route(lane: string, value: unknown): void {
    const host = this.host;
    const id = this.id;
    const collector = this.collector;
    const sink: RouteSink = {
      collect: (l, v) => collector.add(l, v),
      sse: (type, data) => host.emitSse(id, type, data),
      enter: (componentId, l) => host.emitFlow(id, 'enter', { lane: l, component: componentId }),
    };
    this.host.graph.route(this.host.graph.sourceId, lane, value, sink);
  }
}
