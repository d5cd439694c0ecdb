/** Reported in `state.agentVersion`; bump with each agent release. */
export const AGENT_VERSION = '0.1.0';
