import { EgressHttpAgent, EgressHttpsAgent } from './agent.js';
import { DEFAULT_EGRESS_SETTINGS, EgressPolicy, type EgressSettings } from './policy.js';

export interface EgressAgents {
  policy: EgressPolicy;
  httpAgent: EgressHttpAgent;
  httpsAgent: EgressHttpsAgent;
}

/** The policy and keep-alive agent pair of one policy. */
export function egressAgentsFor(settings: EgressSettings): EgressAgents {
  const policy = new EgressPolicy(settings);
  return { policy, httpAgent: new EgressHttpAgent(policy, { keepAlive: true }), httpsAgent: new EgressHttpsAgent(policy, { keepAlive: true }) };
}

let current = egressAgentsFor(DEFAULT_EGRESS_SETTINGS);

/**
 * The process's egress policy, set once at startup from EGRESS_PRIVATE and EGRESS_ALLOWLIST; until then the default
 * (private networks allowed, metadata refused). Every call made on a tenant's behalf uses these agents.
 */
export function processEgress(): EgressAgents {
  return current;
}

export function configureProcessEgress(settings: EgressSettings): void {
  const previous = current;
  current = egressAgentsFor(settings);
  previous.httpAgent.destroy();
  previous.httpsAgent.destroy();
}

/** The axios options that route a call through `egress`: its agents, and no proxy (the check must see the target). */
export function egressAxiosOptions(egress: EgressAgents = processEgress()) {
  return { httpAgent: egress.httpAgent, httpsAgent: egress.httpsAgent, proxy: false as const };
}
