// Templates and logs as the official SDKs keep them in the store (PROTOCOL.md §16.E).
import { ECHO_PIPELINE } from '@rocketride-streams/testing';
import { describe, expect, it } from 'vitest';
import { useEngines } from '../helpers/engine.js';

const h = useEngines();

describe('store: templates', () => {
  it('saveTemplate / getTemplate / getAllTemplates / deleteTemplate on .templates/<id>.json, JSON indented by 2', async () => {
    const { client, engine } = await h.connected();
    await client.saveTemplate({ templateId: 'echo', pipeline: ECHO_PIPELINE });
    await client.saveTemplate({ templateId: 'empty', pipeline: { components: [] } });
    await client.fsWriteString('.templates/broken.json', '{not json');
    await client.fsWriteString('.templates/notes.txt', 'ignored');
    expect(await client.fsReadString('.templates/echo.json')).toBe(JSON.stringify(ECHO_PIPELINE, null, 2));
    expect(await client.getTemplate({ templateId: 'echo' })).toEqual(ECHO_PIPELINE);
    expect(await client.getAllTemplates()).toEqual([
      {
        id: 'echo',
        name: 'echo',
        sources: [{ id: 'webhook_1', provider: 'webhook', name: 'webhook_1' }],
        totalComponents: ECHO_PIPELINE.components.length,
      },
      { id: 'empty', name: 'empty', sources: [], totalComponents: 0 },
    ]);
    await client.deleteTemplate({ templateId: 'echo' });
    await expect(client.getTemplate({ templateId: 'echo' })).rejects.toMatchObject({ code: 'ERR_STORE_NOT_FOUND' });
    await expect(client.deleteTemplate({ templateId: 'echo' })).rejects.toMatchObject({ code: 'ERR_STORE_NOT_FOUND' });
    expect(engine.storeHandles()).toEqual([]);
  });

  it('a template that is not JSON fails getTemplate with ERR_STORE_JSON', async () => {
    const { client } = await h.connected();
    await client.fsWriteString('.templates/bad.json', '{');
    await expect(client.getTemplate({ templateId: 'bad' })).rejects.toMatchObject({ code: 'ERR_STORE_JSON', path: '.templates/bad.json' });
  });
});

describe('store: logs', () => {
  it('saveLog names the file <source>-<startTime>.log; listLogs filters by source and sorts oldest first', async () => {
    const { client } = await h.connected();
    const log = (startTime: number) => ({ body: { startTime, status: 'ok' } });
    expect(await client.saveLog({ projectId: 'p1', source: 'src', contents: log(2) })).toBe('src-2.log');
    await new Promise((r) => setTimeout(r, 20));
    expect(await client.saveLog({ projectId: 'p1', source: 'other', contents: log(1) })).toBe('other-1.log');
    await new Promise((r) => setTimeout(r, 20));
    await client.saveLog({ projectId: 'p1', source: 'src', contents: log(3) });
    expect((await client.listLogs({ projectId: 'p1' })).map((l) => l.name)).toEqual(['src-2.log', 'other-1.log', 'src-3.log']);
    expect((await client.listLogs({ projectId: 'p1', source: 'src' })).map((l) => l.name)).toEqual(['src-2.log', 'src-3.log']);
    expect(await client.getLog({ projectId: 'p1', name: 'src-2.log' })).toEqual(log(2));
    await client.deleteLog({ projectId: 'p1', name: 'src-2.log' });
    expect((await client.listLogs({ projectId: 'p1', source: 'src' })).map((l) => l.name)).toEqual(['src-3.log']);
    expect(await client.listLogs({ projectId: 'none' })).toEqual([]);
  });
});
