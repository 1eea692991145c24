export * from './callee';
export * from './demo';
