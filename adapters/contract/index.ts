export * from './adapter-error';
export * from './adapter.interface';
export * from './normalized-case.type';
export * from './platform.type';
export * from './rate-limiter.type';
export * from './sandbox.interface';
export * from './ticket-vocabulary.type';
