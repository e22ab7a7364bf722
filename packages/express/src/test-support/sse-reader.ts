import type { AppFixture } from './app.js';

/** One parsed SSE message, or a comment line. */
export interface SseItem {
  id?: string;
  retry?: string;
  event?: string;
  data?: string;
  comment?: string;
}

/** Reads an SSE response body as a browser's EventSource would parse it (a small subset: id, retry, event, data, comments). */
export class SseReader {
  readonly items: SseItem[] = [];
  readonly #reader: ReadableStreamDefaultReader<Uint8Array>;
  readonly #decoder = new TextDecoder();
  #buffer = '';
  #done = false;

  constructor(body: ReadableStream<Uint8Array>) {
    this.#reader = body.getReader();
  }

  get ended(): boolean {
    return this.#done;
  }

  /** Reads until `check(items)` holds or the stream ends; returns whether it held. */
  async until(check: (items: SseItem[]) => boolean): Promise<boolean> {
    while (!check(this.items)) {
      if (this.#done) return false;
      const { value, done } = await this.#reader.read();
      if (done) {
        this.#done = true;
        continue;
      }
      this.#buffer += this.#decoder.decode(value, { stream: true });
      for (let i = this.#buffer.indexOf('\n\n'); i !== -1; i = this.#buffer.indexOf('\n\n')) {
        this.items.push(parse(this.#buffer.slice(0, i)));
        this.#buffer = this.#buffer.slice(i + 2);
      }
    }
    return true;
  }

  /** The messages (items with data), in order. */
  messages(): SseItem[] {
    return this.items.filter((m) => m.data !== undefined);
  }

  /** Reads to the end of the stream. */
  async toEnd(): Promise<void> {
    await this.until(() => false);
  }

  /** The messages named `name`, with their data parsed as JSON. */
  named(name: string): unknown[] {
    return this.items.filter((m) => m.event === name).map((m) => JSON.parse(m.data ?? 'null'));
  }

  async cancel(): Promise<void> {
    await this.#reader.cancel().catch(() => {});
  }
}

function parse(block: string): SseItem {
  const item: SseItem = {};
  const data: string[] = [];
  for (const line of block.split('\n')) {
    if (line.startsWith(':')) item.comment = line.slice(1).trim();
    else if (line.startsWith('event: ')) item.event = line.slice(7);
    else if (line.startsWith('id: ')) item.id = line.slice(4);
    else if (line.startsWith('retry: ')) item.retry = line.slice(7);
    else if (line.startsWith('data: ')) data.push(line.slice(6));
  }
  if (data.length > 0) item.data = data.join('\n');
  return item;
}

/** GETs `path` of the test's app and reads it as an SSE stream; the reader is cancelled after the test. */
export async function openEvents(app: AppFixture, path: string, init: RequestInit = {}): Promise<{ res: Response; reader: SseReader }> {
  const res = await fetch(`${app.base}${path}`, init);
  const reader = new SseReader(res.body as ReadableStream<Uint8Array>);
  app.defer(() => reader.cancel());
  return { res, reader };
}
