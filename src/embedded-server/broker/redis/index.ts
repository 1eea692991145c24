export * from './broker';
export * from './keys';
export * from './metrics';
export * from './options';
export * from './payload';
export * from './scripts';
