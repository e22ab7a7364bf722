import { describe, expect, it } from 'vitest';
import { NAMESPACE_URL, publicToken, pyJsonDumps, taskId, taskToken, uuid5 } from './ids.js';

const P = 'e612b741-748c-4b35-a8b7-186797a8ea42';

describe('ids', () => {
  it('reproduces Python json.dumps(sort_keys=True) text', () => {
    expect(pyJsonDumps({ userId: 'local', source: 'webhook_1', project_id: P })).toBe(
      `{"project_id": "${P}", "source": "webhook_1", "userId": "local"}`,
    );
    expect(pyJsonDumps({ b: 'é\u007f😀\n', a: [1, 2.5, null, true] })).toBe(
      '{"a": [1, 2.5, null, true], "b": "\\u00e9\\u007f\\ud83d\\ude00\\n"}',
    );
  });

  it('derives the task and public tokens of the echo pipeline (vectors computed with CPython)', () => {
    expect(taskToken(P, 'webhook_1')).toBe('tk_1b4bbac062687abd2f25ecf1f535d7e2');
    expect(publicToken(P, 'webhook_1')).toBe('pk_0f8ac5fd49d55285fe44f3881b0ee0a9');
  });

  it('builds task ids from the token without its prefix', () => {
    expect(taskId('T1', 'webhook_1')).toBe('T1.webhook_1');
    expect(taskId('tk_1b4bbac062687abd', 'webhook_1')).toBe('1b4bbac0.webhook_1');
  });

  it('computes uuid5 like Python', () => {
    expect(uuid5(NAMESPACE_URL, 'null://Stream/a.txt')).toBe('399b271a-bcbe-5653-b4bc-0fcd9c3769bf');
  });
});
