import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const demo = fileURLToPath(new URL('../../examples/demo/demo.mjs', import.meta.url));

describe('the README demo', () => {
  it('streams a generated file through a pipeline on the embedded simulator and prints the result', { timeout: 60_000 }, async () => {
    const env: NodeJS.ProcessEnv = { ...process.env, DEMO_MIB: '8' };
    delete env.ROCKETRIDE_URI;
    const child = spawn(process.execPath, [demo], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
    });
    child.stderr.on('data', (d: Buffer) => {
      out += d.toString();
    });
    const [code] = await once(child, 'exit');
    expect(out).toContain('Connected to the embedded simulator');
    expect(out).toMatch(/progress: 100% \(8 MiB acknowledged by the engine\)/);
    expect(out).toMatch(/Result from the engine: \{"name":"demo.bin"/);
    expect(out).toMatch(/Streamed 8 MiB in [\d.]+ s: [\d.]+ MiB\/s/);
    expect(out).toMatch(/received by the engine [0-9a-f]+… \(identical\)/);
    expect(code).toBe(0);
  });
});
