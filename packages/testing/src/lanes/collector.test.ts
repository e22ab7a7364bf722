import { describe, expect, it } from 'vitest';
import { echoAnswers } from './answer.js';
import { ResultCollector } from './collector.js';
import { decodeUtf8, parseDocuments, parseQuestion } from './parse.js';
import { selectLane } from './select.js';

describe('lanes', () => {
  it('selects lanes from the mime type and the listeners', () => {
    const text = new Set(['text']);
    expect(selectLane('text/plain', text)).toBe('text');
    expect(selectLane('text/csv; charset=utf-8', text)).toBe('text');
    expect(selectLane('text/plain', new Set())).toBe('raw');
    expect(selectLane('lane/text', new Set())).toBe('text');
    expect(selectLane('lane/bogus', new Set())).toBe('bogus');
    expect(selectLane('application/octet-stream', text)).toBe('raw');
    expect(selectLane('application/rocketride-question', new Set(['questions']))).toBe('questions');
    expect(selectLane('application/rocketride-question', text)).toBe('raw');
    expect(selectLane('image/png', new Set(['image']))).toBe('image');
    expect(selectLane('application/rocketlib-tag', text)).toBe('tag');
  });

  it('joins text segments with a blank line after each', () => {
    const c = new ResultCollector();
    for (const s of ['Hello ', 'from ', 'streaming ', 'test!']) c.add('text', s);
    expect(c.build()).toEqual({ result_types: { text: 'text' }, text: ['Hello \n\nfrom \n\nstreaming \n\ntest!\n\n'] });
    expect(new ResultCollector().build()).toEqual({});
  });

  it('refuses a chunk that is not valid UTF-8 on its own', () => {
    expect(() => decodeUtf8(Buffer.from([0xc3]))).toThrow(/utf-8/);
    expect(decodeUtf8(Buffer.from([0xc3, 0xa9]))).toBe('é');
  });

  it('validates questions and documents as whole JSON documents', () => {
    expect(() => parseQuestion(Buffer.from('{"questions":'))).toThrow(/Invalid JSON/);
    expect(() => parseQuestion(Buffer.from('[1]'))).toThrow(/Question/);
    expect(() => parseQuestion(Buffer.from('{"questions":[1]}'))).toThrow(/QuestionText/);
    expect(parseDocuments(Buffer.from('[{"page_content":"a"},{"page_content":"b"}]'))).toHaveLength(2);
    expect(() => parseDocuments(Buffer.from('[1]'))).toThrow(/Doc/);
  });

  it('echoes answers, as JSON values when expectJson is set', () => {
    expect(echoAnswers({ questions: [{ text: 'hi' }] })).toEqual(['hi']);
    expect(echoAnswers({ expectJson: true, questions: [{ text: '{"a":1}' }, { text: 'x' }] })).toEqual([{ a: 1 }, { answer: 'x' }]);
  });
});
