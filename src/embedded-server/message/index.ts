export * from './build';
export * from './decode';
export * from './encode';
export * from './errors';
export * from './raw-json';
export * from './types';
export * from './uuid';
