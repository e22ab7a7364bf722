import { describe, expect, it } from 'vitest';
import { pyRepr } from '../store/pytext.js';
import { nextRun, validateSchedule } from './schedule.js';

describe('pyRepr quotes values as the server messages do (Python repr)', () => {
  it('strings, numbers, booleans, None, lists and dicts', () => {
    expect(pyRepr('@reboot')).toBe("'@reboot'");
    expect(pyRepr("it's")).toBe('"it\'s"');
    expect(pyRepr('a\\b\n')).toBe("'a\\\\b\\n'");
    expect(pyRepr(5)).toBe('5');
    expect(pyRepr(1.5)).toBe('1.5');
    expect(pyRepr(true)).toBe('True');
    expect(pyRepr(null)).toBe('None');
    expect(pyRepr([1, 'x'])).toBe("[1, 'x']");
    expect(pyRepr({ a: false })).toBe("{'a': False}");
  });
});

describe('deployment schedules', () => {
  it('the next run of presets and cron expressions is strictly after the given time', () => {
    const t = Date.UTC(2030, 0, 1, 0, 14, 30);
    expect(nextRun('*/15 * * * *', t)).toBe(Date.UTC(2030, 0, 1, 0, 15, 0));
    expect(nextRun('@hourly', t)).toBe(Date.UTC(2030, 0, 1, 1, 0, 0));
    expect(nextRun('@daily', t)).toBe(Date.UTC(2030, 0, 2, 0, 0, 0));
    expect(nextRun('@yearly', t)).toBe(Date.UTC(2031, 0, 1, 0, 0, 0));
    expect(nextRun('*/15 * * * *', Date.UTC(2030, 0, 1, 0, 15, 0))).toBe(Date.UTC(2030, 0, 1, 0, 30, 0));
  });

  it('field counts: 5 under intended, 5 or 6 under head; missing fields are never filled in', () => {
    expect(validateSchedule('0 0 * * 5', 'intended')).toBe('0 0 * * 5');
    expect(() => validateSchedule('0 0 * *', 'head')).toThrow(/^Invalid schedule '0 0 \* \*'\. Expected/);
    expect(() => validateSchedule('* * * * * *', 'intended')).toThrow(/^Invalid schedule/);
    expect(validateSchedule('* * * * * *', 'head')).toBe('* * * * * *');
    expect(() => validateSchedule('* * * * * * *', 'head')).toThrow(/^Invalid schedule/);
    expect(() => validateSchedule('@every_minute', 'head')).toThrow(/^Invalid schedule '@every_minute'/);
  });
});
