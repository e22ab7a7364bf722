/**
 * What a `response` node gathers for one object: one array per lane, and `result_types` mapping
 * each key to its lane type. Text segments are joined into one string, each followed by a blank line.
 */
export class ResultCollector {
  private readonly lanes = new Map<string, unknown[]>();

  add(lane: string, value: unknown): void {
    let list = this.lanes.get(lane);
    if (list === undefined) {
      list = [];
      this.lanes.set(lane, list);
    }
    list.push(value);
  }

  /** The lane part of the PIPELINE_RESULT: `{result_types, <lane>: [...]}`, or `{}` when nothing arrived. */
  build(): Record<string, unknown> {
    if (this.lanes.size === 0) return {};
    const out: Record<string, unknown> = {};
    const types: Record<string, string> = {};
    out.result_types = types;
    for (const [lane, values] of this.lanes) {
      types[lane] = lane;
      out[lane] = lane === 'text' ? [values.map((s) => `${String(s)}\n\n`).join('')] : values;
    }
    return out;
  }
}
