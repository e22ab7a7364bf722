import { mkdir, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { join, relative, resolve, sep } from 'node:path';
import { serverFailure } from '../../failure.js';

/** A deployment record (`rrext_deploy_*`), in the key order the server writes. */
export interface DeploymentRecord {
  pipeline: Record<string, unknown>;
  schedule: string;
  state: 'active' | 'paused' | 'errored';
  created_by: string;
  created_at: number;
  updated_at: number;
}

/** The storage key of a record, as the server's messages show it. */
export const recordKey = (userId: string, projectId: string) => `users/${userId}/deployments/${projectId}.json`;

/**
 * Deployment records as files `<root>/users/<userId>/deployments/<project_id>.json`, the layout of the server's
 * filesystem store. The id is used as given (callers refuse path-like ids under `intended`); like the server, only a
 * path that leaves the root is refused.
 */
export class DeploymentStore {
  constructor(private readonly root: string) {}

  private dir(userId: string): string {
    return join(this.root, 'users', userId, 'deployments');
  }

  /** The file of a record, or undefined when the key leaves the root. */
  private file(userId: string, projectId: string): string | undefined {
    const path = resolve(this.root, recordKey(userId, projectId));
    const rel = relative(this.root, path);
    return rel.startsWith(`..${sep}`) || rel === '..' ? undefined : path;
  }

  /** A record; undefined when there is none (also for a key outside the root: nothing can be there). */
  async get(userId: string, projectId: string): Promise<DeploymentRecord | undefined> {
    const path = this.file(userId, projectId);
    if (path === undefined) return undefined;
    try {
      return JSON.parse(await readFile(path, 'utf8')) as DeploymentRecord;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT' || (err as NodeJS.ErrnoException).code === 'EISDIR') return undefined;
      throw err;
    }
  }

  async put(userId: string, projectId: string, record: DeploymentRecord): Promise<void> {
    const key = recordKey(userId, projectId);
    const path = this.file(userId, projectId);
    if (path === undefined) throw serverFailure(`Failed to write file ${key}: Path traversal detected: ${key}`, 'filesystem.py', 61);
    await mkdir(resolve(path, '..'), { recursive: true });
    await writeFile(path, JSON.stringify(record));
  }

  /** Removes a record; false when there was none. */
  async remove(userId: string, projectId: string): Promise<boolean> {
    const path = this.file(userId, projectId);
    if (path === undefined || (await this.get(userId, projectId)) === undefined) return false;
    await rm(path, { force: true });
    return true;
  }

  /** Every record of a user, in directory order. */
  async list(userId: string): Promise<DeploymentRecord[]> {
    let names: string[];
    try {
      names = await readdir(this.dir(userId));
    } catch {
      return [];
    }
    const out: DeploymentRecord[] = [];
    for (const name of names) {
      if (!name.endsWith('.json')) continue;
      try {
        out.push(JSON.parse(await readFile(join(this.dir(userId), name), 'utf8')) as DeploymentRecord);
      } catch {
        // a record being rewritten or removed meanwhile is skipped
      }
    }
    return out;
  }

  /** Every user that has a deployments directory (the scheduler's view). */
  async users(): Promise<string[]> {
    try {
      return await readdir(join(this.root, 'users'));
    } catch {
      return [];
    }
  }
}
