import type { TestProject } from 'vitest/node';
import { startDeno } from '../../src/dev/deno.ts';
import '../contract/context.ts';
import { startEdgeServices } from '../contract/seed.ts';

/** The Deno entry under `deno serve`, over libSQL HTTP to a seeded file, with Upstash. */
export default async function setup(project: TestProject) {
  const services = await startEdgeServices('stek-contract-deno-');
  let server;
  try {
    server = await startDeno({
      env: services.env,
    });
  } catch (error) {
    await services.stop();
    throw error;
  }
  project.provide('baseUrl', server.url);
  project.provide('adminToken', services.adminToken);
  project.provide('runtime', 'deno');

  return async function teardown() {
    await server.stop();
    await services.stop();
  };
}
