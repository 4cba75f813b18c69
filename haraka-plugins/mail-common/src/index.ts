/** Shared by our Haraka plugins: Haraka's types, hook guards, plugin config and the LDAP directory. */
export * from './haraka';
export * from './envelope';
export * from './hook-guard';
export * from './plugin-config';
export * from './directory';
export * from './directory-holder';
export * from './directory-plugin';
export * from './ldap-entries';
export * from './internal-submitter';
