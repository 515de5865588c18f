export { startHranaServer } from './server.ts';
export type { HranaRequestInfo, HranaServer, HranaServerOptions } from './server.ts';
