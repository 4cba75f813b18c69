export * from './errors';
export * from './mail-services';
export * from './list-services';
export * from './app-credentials';
export * from './domain-settings';
export * from './relay';
export * from './dnsbl';
