/** Event class bits of `rrext_monitor`, as the server numbers them. */
export const EventFlag = {
  NONE: 0,
  DEBUGGER: 1,
  DETAIL: 2,
  SUMMARY: 4,
  OUTPUT: 8,
  FLOW: 16,
  TASK: 32,
  SSE: 64,
  DASHBOARD: 128,
  ALL: 255,
} as const;

/**
 * Parses `types` as the server does: an array of case-insensitive names (unknown names count as nothing), an integer
 * bitmask, or a numeric string. Anything else is 0.
 */
export function parseTypes(types: unknown): number {
  if (typeof types === 'number' && Number.isFinite(types)) return Math.trunc(types) & EventFlag.ALL;
  if (typeof types === 'string') {
    const n = Number(types.trim());
    if (types.trim() !== '' && Number.isInteger(n)) return n & EventFlag.ALL;
    return flagOf(types);
  }
  if (Array.isArray(types)) {
    let mask = 0;
    for (const t of types) mask |= typeof t === 'string' ? flagOf(t) : typeof t === 'number' ? Math.trunc(t) & EventFlag.ALL : 0;
    return mask;
  }
  return 0;
}

function flagOf(name: string): number {
  const key = name.trim().toUpperCase() as keyof typeof EventFlag;
  return Object.hasOwn(EventFlag, key) ? EventFlag[key] : 0;
}
