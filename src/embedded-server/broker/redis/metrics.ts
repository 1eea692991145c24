// Broker counters, named as the Go implementation publishes them with expvar.
export interface BrokerMetrics {
  Calls: number;
  Results: number;
  Events: number;
  ExpiredCalls: number;
  ExpiredResults: number;
  FailedPTTLCalls: number;
  FailedPTTLResults: number;
  FailedCallPayloadUnmarshals: number;
  FailedResPayloadUnmarshals: number;
  FailedEvntPayloadUnmarshals: number;
  /** Not in Go: commands that failed because redis was away; they became NACKs or retries. */
  RedisErrors: number;
}

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
