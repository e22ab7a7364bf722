/**
 * Cross-copy `instanceof`: when two copies of this package are installed (a common result of
 * dependency hoisting), an error built by one copy must still satisfy `instanceof` checks made
 * against the other. Each class carries a registered symbol, and `Symbol.hasInstance` looks for it.
 */
export const BRANDS = Symbol.for('rocketride-streams.error-brands');

type Branded = { [BRANDS]?: ReadonlySet<symbol> };

export function hasBrand(value: unknown, brand: symbol): boolean {
  if (typeof value !== 'object' || value === null) return false;
  const set = (value as Branded)[BRANDS];
  return set instanceof Set && set.has(brand);
}
