import type { TestProject } from 'vitest/node';
import { startWorkerd } from '../../src/dev/workerd.ts';
import '../contract/context.ts';
import { startEdgeServices } from '../contract/seed.ts';

/** The worker under `wrangler dev` (local workerd), over libSQL HTTP to a seeded file, with Upstash. */
export default async function setup(project: TestProject) {
  const services = await startEdgeServices('stek-contract-workerd-');
  let worker;
  try {
    worker = await startWorkerd({
      vars: services.env,
      onOutput: process.env.STEK_DEBUG_WORKERD
        ? (line) => console.error('[workerd]', line)
        : undefined,
    });
  } catch (error) {
    await services.stop();
    throw error;
  }
  project.provide('baseUrl', worker.url);
  project.provide('adminToken', services.adminToken);
  project.provide('runtime', 'workerd');

  return async function teardown() {
    await worker.stop();
    await services.stop();
  };
}
