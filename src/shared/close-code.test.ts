import { expect, it } from 'vitest';
import { CloseCode } from './close-code';

it('the close codes on the wire keep their numbers', () => {
  expect(CloseCode).toEqual({
    normal: 1000,
    goingAway: 1001,
    protocolError: 1002,
    unsupportedData: 1003,
    invalidPayload: 1007,
    policyViolation: 1008,
    messageTooBig: 1009,
    internalError: 1011,
    tryAgainLater: 1013,
  });
});
