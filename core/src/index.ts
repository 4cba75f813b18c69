export * from './address';
export * from './names';
export * from './routing';
export * from './sender';
