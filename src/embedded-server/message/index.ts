// the close codes juggler.0 peers send, for the library's users (the table is shared with the sync protocol)
export { CloseCode } from '../../shared/close-code';
export * from './build';
export * from './decode';
export * from './encode';
export * from './errors';
export * from './raw-json';
export * from './types';
export * from './uuid';
