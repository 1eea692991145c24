import type { BrokerMetrics } from '../broker';

export type { BrokerMetrics };

export function newBrokerMetrics(): BrokerMetrics {
  return {
    Calls: 0,
    Results: 0,
    Events: 0,
    ExpiredCalls: 0,
    ExpiredResults: 0,
    FailedPTTLCalls: 0,
    FailedPTTLResults: 0,
    FailedCallPayloadUnmarshals: 0,
    FailedResPayloadUnmarshals: 0,
    FailedEvntPayloadUnmarshals: 0,
    RedisErrors: 0,
  };
}
