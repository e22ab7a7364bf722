/** Lanes a `lane/<x>` mime type may name. Anything else fails the first write with `Invalid lane X`. */
export const KNOWN_LANES: ReadonlySet<string> = new Set([
  'text',
  'questions',
  'answers',
  'documents',
  'classifications',
  'table',
  'image',
  'audio',
  'video',
  'tag',
  'raw',
]);

/**
 * Picks the lane for a mime type, as the engine does. `listens` holds the lanes some component consumes directly
 * from the source; `lane/<x>` bypasses that check.
 */
export function selectLane(mimeType: string, listens: ReadonlySet<string>): string {
  const mime = mimeType.trim().toLowerCase();
  if (mime.startsWith('lane/')) return mimeType.trim().slice(5);
  if (mime === 'application/rocketlib-tag') return 'tag';
  if (mime.startsWith('application/rocketride-question') && listens.has('questions')) return 'questions';
  const major = mime.split('/', 1)[0] ?? '';
  if (major === 'text' && listens.has('text')) return 'text';
  if ((major === 'image' || major === 'audio' || major === 'video') && listens.has(major)) return major;
  return 'raw';
}
