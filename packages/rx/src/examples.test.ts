import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { main as progressBar } from '../examples/progress-bar.js';
import { main as sseForwarding } from '../examples/sse-forwarding.js';
import { main as waitForTask } from '../examples/wait-for-task.js';

const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
const source = (name: string) => readFileSync(new URL(`../examples/${name}`, import.meta.url), 'utf8');
const quiet = () => {};

describe('README examples run', () => {
  it('progress bar: draws up to 100% once the engine acknowledged everything', async () => {
    const lines = await progressBar(quiet);
    expect(lines.length).toBeGreaterThan(1);
    expect(lines.at(-1)).toMatch(/\[#{30}\] 100%$/);
  });

  it('waiting for a task: resolves with the final status', async () => {
    const output: string[] = [];
    const status = await waitForTask((t) => output.push(t));
    expect(status).toMatchObject({ completed: true, completedCount: 1 });
    expect(output).toContain('task: running\n');
    expect(output).toContain('task: end\n');
  });

  it('SSE forwarding: a fetch client receives the task events', async () => {
    const names = await sseForwarding(quiet);
    expect(names[0]).toBe('apaevt_status_update');
    expect(names).toContain('apaevt_status_object');
  });

  it('the README shows each example file verbatim', () => {
    for (const file of ['progress-bar.ts', 'wait-for-task.ts', 'sse-forwarding.ts']) {
      expect(readme).toContain(source(file).trim());
    }
  });
});
