export * from './errors';
export * from './mail-services';
