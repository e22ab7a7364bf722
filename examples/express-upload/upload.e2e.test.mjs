// End to end: the page in real headless Chromium (Debian's `chromium` package, driven by playwright-core)
// against the app on the embedded simulator. Picks a file, waits for the result, checks it against what
// the simulator received, and keeps a screenshot in test-artifacts/.
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { start } from './server.mjs';

const CHROMIUM = '/usr/bin/chromium';
const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
const ARTIFACTS = fileURLToPath(new URL('./test-artifacts/', import.meta.url));
const sha256 = (data) => createHash('sha256').update(data).digest('hex');

describe('the upload page in headless Chromium', () => {
  let app;
  let context;
  let profile;

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) return; // the test itself fails, with the reason
    delete process.env.ROCKETRIDE_URI; // always the embedded simulator here
    app = await start({ port: 0 });
    profile = await mkdtemp(join(tmpdir(), 'rocketride-chromium-'));
    context = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, headless: true, args: ARGS, viewport: { width: 900, height: 900 } });
  });

  afterAll(async () => {
    await context?.close();
    await app?.close();
    if (profile) await rm(profile, { recursive: true, force: true });
  });

  it('uploads a picked file, shows the engine events and the result, and the engine received exactly the file', async () => {
    if (!existsSync(CHROMIUM)) {
      throw new Error(`Chromium is not installed at ${CHROMIUM}. Install Debian's package: apt-get install -y chromium (.ci/run does this when it is missing).`);
    }
    const page = context.pages()[0] ?? (await context.newPage());
    const pageErrors = [];
    page.on('pageerror', (err) => pageErrors.push(err.message));
    await page.goto(app.url);
    // The event stream is open (and the engine's catch-up status shown) before the file is picked.
    await page.locator('#events-state[data-state="connected"]').waitFor();
    await page.locator('#event-log li').first().waitFor();

    const lines = Array.from({ length: 400 }, (_, i) => `line ${i + 1}: the quick brown fox jumps over the lazy dog`);
    const content = Buffer.from(`${lines.join('\n')}\n`, 'utf8');
    await page.setInputFiles('#file', { name: 'fox report.txt', mimeType: 'text/plain', buffer: content });

    await page.locator('body[data-upload="done"]').waitFor();
    expect(await page.textContent('#result-name')).toBe('fox report.txt');
    expect(await page.textContent('#result-types')).toBe('text');
    expect(await page.textContent('#upload-text')).toMatch(/sent and committed$/);

    const received = app.rocketride.engine.pipes({ token: app.token }).at(-1);
    expect(received.object.name).toBe('fox report.txt');
    expect(received.mimeType).toBe('text/plain');
    expect(received.state).toBe('closed');
    expect(sha256(received.received)).toBe(sha256(content));
    // The browser hashed the file it sent: the same bytes arrived.
    expect(await page.textContent('#result-sha256')).toBe(sha256(received.received));

    // The engine's events for this object reached the page over SSE.
    await page.locator('#event-log li', { hasText: 'fox report.txt' }).first().waitFor();
    await page.locator('#engine-text', { hasText: '1/1 objects' }).waitFor();
    expect(await page.getAttribute('#engine-progress', 'value')).not.toBeNull();
    expect(pageErrors).toEqual([]);

    await mkdir(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: join(ARTIFACTS, 'express-upload.png'), fullPage: true });
  });

  it('closes its EventSource on rocketride_end when the server ends the stream, instead of reconnecting', async () => {
    if (!existsSync(CHROMIUM)) throw new Error(`Chromium is not installed at ${CHROMIUM}.`);
    const page = context.pages()[0] ?? (await context.newPage());
    const pageErrors = [];
    page.on('pageerror', (err) => pageErrors.push(err.message));
    await page.goto(app.url);
    await page.locator('#events-state[data-state="connected"]').waitFor();

    // The server's client is disconnected on request (as on shutdown): events$ completes.
    await app.rocketride.disconnect();

    // The page saw the final message and closed: the badge says so only after events.close().
    await page.locator('#events-state[data-state="ended"]').waitFor();
    await page.locator('#event-log li', { hasText: 'complete' }).first().waitFor();
    expect(await page.textContent('#event-log li:first-child code')).toBe('end');
    expect(pageErrors).toEqual([]);
  });
});
