/** The ingress: a small front for Meta's webhooks in front of n8n (pure TypeScript, no n8n import). */
export * from './classify';
export * from './config';
export * from './forwarder';
export * from './groupCommit';
export * from './service';
