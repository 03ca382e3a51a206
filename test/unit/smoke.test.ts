import { describe, expect, it } from 'vitest';
import { TerminalError } from '../../src/errors.js';

describe('TerminalError', () => {
  it('names the field in its message', () => {
    expect(new TerminalError('spec.ports[0].port', 'must be 1-65535').message).toBe(
      'spec.ports[0].port: must be 1-65535',
    );
  });
});
