import type { FileEntry, FileResult, PipeProgress, RocketRide } from 'rocketride-streams';

export interface EachFileOptions {
  /** Files uploading at once. */
  concurrency: number;
  signal?: AbortSignal | undefined;
  /** A file's progress (after its pipe opened, then after every acknowledged write). */
  onProgress?: (index: number, progress: PipeProgress) => void;
  /** A file's result, as soon as that file is finished (committed, failed or aborted). */
  onResult?: (index: number, result: FileResult) => void;
}

/**
 * Uploads the files `concurrency` at a time and reports each file's result as soon as it arrives
 * (`uploadFiles` resolves once, for the whole batch). Each file goes through `uploadFiles` on its
 * own, so its result, and a failure that does not stop the others, are exactly what `uploadFiles`
 * records. Resolves to the results in input order.
 */
export async function uploadEach(rocketride: RocketRide, token: string, entries: readonly FileEntry[], options: EachFileOptions): Promise<FileResult[]> {
  const results: FileResult[] = [];
  let next = 0;
  const one = async (index: number): Promise<FileResult> => {
    const entry = entries[index]!;
    try {
      const [result] = await rocketride.uploadFiles(token, [entry], {
        ...(options.signal ? { signal: options.signal } : {}),
        ...(options.onProgress ? { onProgress: (p) => options.onProgress?.(index, p.file) } : {}),
      });
      if (result) return result;
      throw new Error('uploadFiles returned no result');
    } catch (err) {
      const path = typeof entry === 'string' ? entry : Array.isArray(entry) ? entry[0] : entry.path;
      return { path, ok: false, error: err instanceof Error ? err : new Error(String(err)), bytesSent: 0, bytesAcknowledged: 0 };
    }
  };
  const worker = async (): Promise<void> => {
    while (next < entries.length) {
      const index = next++;
      const result = await one(index);
      results[index] = result;
      options.onResult?.(index, result);
    }
  };
  await Promise.all(Array.from({ length: Math.min(options.concurrency, entries.length) }, worker));
  return results;
}
