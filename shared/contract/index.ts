/** The typed contract: models, methods, events, errors, routes and the client. */
export * from './models';
export * from './telemetry-models';
export * from './methods';
export * from './events';
export * from './errors';
export * from './routes';
export * from './client';
export * from './dispatch';
export * from './traffic-match';
export * from './config-models';
