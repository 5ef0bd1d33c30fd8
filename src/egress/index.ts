export { EgressDeniedError, egressDenialIn, type EgressRule } from './errors.js';
export { EgressPolicy, DEFAULT_EGRESS_SETTINGS, parseAllowlist, type EgressSettings } from './policy.js';
export { EgressHttpAgent, EgressHttpsAgent } from './agent.js';
export { checkEgressUrl, sameOriginRedirect } from './url.js';
export { configureProcessEgress, egressAgentsFor, egressAxiosOptions, processEgress, type EgressAgents } from './process-policy.js';
export { egressFetch } from './fetch.js';
