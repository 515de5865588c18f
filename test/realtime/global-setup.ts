import type { TestProject } from 'vitest/node';
import { startPartykitDev } from '../../src/dev/partykit.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The shared `partykit dev`, e.g. `http://127.0.0.1:41234`. */
    realtimeUrl: string;
    /** The secret its rooms check tickets and API requests with. */
    realtimeSecret: string;
  }
}

/**
 * Starts one real `partykit dev` (temporary persist dir) for the suite. Tests that stop and restart
 * the dev server start their own with the same function instead.
 */
export default async function setup(project: TestProject) {
  const secret = `test-secret-${crypto.randomUUID()}`;
  const dev = await startPartykitDev({ port: 0, secret });
  project.provide('realtimeUrl', dev.url);
  project.provide('realtimeSecret', secret);
  return async function teardown() {
    await dev.stop();
  };
}
