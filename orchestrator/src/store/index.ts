export * from './types';
export { SqliteStore } from './sqlite';
