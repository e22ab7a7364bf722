import type { IncomingMessage, ServerResponse } from 'node:http';
import type { EngineCore } from '../core.js';

export async function handleHttp(_core: EngineCore, _req: IncomingMessage, res: ServerResponse): Promise<void> {
  res.writeHead(404, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ detail: 'Not Found' }));
}
