export * from './config/settings';
export * from './config/paths';
export * from './config/passwords';
export * from './store';
export * from './services';
export * from './config/mail-user';
export * from './render/files';
