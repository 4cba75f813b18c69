export * from './address';
export * from './names';
export * from './routing';
export * from './sender';
export * from './srs';
export * from './lists';
export * from './relay';
