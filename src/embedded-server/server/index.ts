export * from './connection';
export * from './handler';
export * from './metrics';
export * from './options';
export * from './server';
export * from './upgrade';
