import { ECHO_PIPELINE } from '@rocketride-streams/testing';
import { describe, expect, it } from 'vitest';
import { echoPipeline } from './helpers/env.js';

describe('fixtures', () => {
  it('test/fixtures/echo.json is the echo pipeline the simulator exports (ECHO_PIPELINE)', () => {
    expect(echoPipeline()).toStrictEqual(ECHO_PIPELINE);
  });
});
