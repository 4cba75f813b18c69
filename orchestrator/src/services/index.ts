export * from './errors';
export * from './mail-services';
export * from './list-services';
