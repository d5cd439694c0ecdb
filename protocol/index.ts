export * from './topics';
export * from './mqtt';
export * from './domain';
export * from './ack';
export * from './socket';
export * from './rest';
export * from './conversations';
