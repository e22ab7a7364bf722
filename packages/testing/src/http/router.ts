import type { IncomingMessage, ServerResponse } from 'node:http';
import { ENGINE_VERSION } from '../catalog.js';
import type { EngineCore } from '../core.js';
import { isObject } from '../util.js';
import { serverFailure, toFailure } from '../failure.js';
import { servicesBody } from '../misc.js';
import { dataTask } from '../pipes/process.js';
import { readBody, sendAccessDenied, sendFailure, sendMissingHeader, sendNotFound, sendOk } from './reply.js';
import { uploadData } from './upload.js';

interface Caller {
  /** Task token forced by a tk_/pk_ credential. */
  lockToken?: string;
  /** True for a pk_ credential (data permission only). */
  publicOnly?: boolean;
}

/**
 * Checks the caller: the Authorization header (optional `Bearer `), else `?auth=`. Sends the refusal itself and
 * returns undefined when the request must stop. Routes that declare the header refuse a query-only credential (422).
 */
function authenticate(
  core: EngineCore,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  headerRequired: boolean,
): Caller | undefined {
  const header = req.headers.authorization;
  const credential = header ?? url.searchParams.get('auth') ?? '';
  const checked = core.checkCredential(credential);
  if (!checked.ok) {
    sendAccessDenied(req, res);
    return undefined;
  }
  if (headerRequired && header === undefined) {
    sendMissingHeader(res, 'authorization');
    return undefined;
  }
  const c = checked.credential;
  if (c.startsWith('tk_')) return { lockToken: c };
  if (c.startsWith('pk_')) return { lockToken: core.registry.byPublicToken(c)!.token, publicOnly: true };
  return {};
}

function tokenOf(caller: Caller, url: URL): string | null {
  return caller.lockToken ?? url.searchParams.get('token');
}

/** The HTTP routes sharing the WebSocket port (PROTOCOL.md §11). */
export async function handleHttp(core: EngineCore, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://localhost');
  const route = `${req.method ?? 'GET'} ${url.pathname.replace(/\/+$/, '') || '/'}`;
  try {
    switch (route) {
      case 'GET /version':
        return sendOk(res, { ...ENGINE_VERSION });
      case 'GET /services':
        return sendOk(res, servicesBody(url.searchParams.get('service') ?? undefined));
      case 'GET /status': {
        if (!authenticate(core, req, res, url, false)) return;
        const uptime = Math.floor((Date.now() - core.startTime) / 1000);
        return sendOk(res, { server: { version: { ...ENGINE_VERSION }, startTime: core.startTime / 1000, uptime } });
      }
      case 'POST /task':
      case 'PUT /task': {
        const caller = authenticate(core, req, res, url, true);
        if (!caller) return;
        if (caller.publicOnly) throw serverFailure("Permission 'task.control' denied", 'task_server.py', 240);
        let body: unknown;
        try {
          body = JSON.parse((await readBody(req)).toString('utf8'));
        } catch {
          throw serverFailure('Invalid pipeline JSON', 'task.py', 41);
        }
        const pipeline = isObject(body) && isObject(body.pipeline) && !('components' in body) ? body.pipeline : body;
        const threadsText = url.searchParams.get('threads');
        const threads = threadsText === null ? 4 : Number(threadsText);
        if (!Number.isInteger(threads) || threads < 1 || threads > 64) {
          throw serverFailure('threads must be between 1 and 64', 'task.py', 52);
        }
        const token = tokenOf(caller, url);
        const task = await core.registry.execute(
          { pipeline, threads, ...(token ? { token } : {}) },
          { threads: 4 },
        );
        return sendOk(res, { token: task.token });
      }
      case 'GET /task': {
        const caller = authenticate(core, req, res, url, true);
        if (!caller) return;
        if (caller.publicOnly) throw serverFailure("Permission 'task.monitor' denied", 'task_server.py', 240);
        return sendOk(res, core.registry.require(tokenOf(caller, url)).statusBody());
      }
      case 'DELETE /task': {
        const caller = authenticate(core, req, res, url, true);
        if (!caller) return;
        if (caller.publicOnly) throw serverFailure("Permission 'task.control' denied", 'task_server.py', 240);
        const task = core.registry.require(tokenOf(caller, url));
        if (!task.completed) await task.stop(1, 'Task cancelled by request');
        return sendOk(res);
      }
      case 'POST /task/data':
      case 'POST /webhook':
      case 'PUT /task/process': {
        const caller = authenticate(core, req, res, url, true);
        if (!caller) return;
        const task = await dataTask(core, tokenOf(caller, url));
        return sendOk(res, await uploadData(core, task, req));
      }
      default:
        return sendNotFound(res);
    }
  } catch (err) {
    if (!req.complete) req.resume();
    sendFailure(res, toFailure(err));
  }
}
