import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { createUser, issueToken } from '../../src/chat/users.ts';
import { readNodeConfig } from '../../src/entry/config.ts';
import { startNodeServer } from '../../src/entry/node.ts';
import '../contract/context.ts';
import { contractRateLimitAuth, makeTempDir } from '../contract/seed.ts';

/** The Node server on a free port over a temp `file:` database and the in-process key-value store, with one admin. */
export default async function setup(project: TestProject) {
  const temp = makeTempDir('stek-contract-node-');
  const config = readNodeConfig({
    PORT: '0',
    STEK_DATA_DIR: join(temp.dir, 'data'),
    STEK_LOG: 'silent',
    STEK_RATE_LIMIT_AUTH: contractRateLimitAuth,
  });
  const server = await startNodeServer({ config });
  const chat = { db: server.db, now: Date.now };
  const admin = await createUser(chat, { name: 'admin', isAdmin: true });
  project.provide('baseUrl', server.url);
  project.provide('adminToken', (await issueToken(chat, admin.id, 'contract tests')).token);
  project.provide('runtime', 'node');

  return async function teardown() {
    await server.close();
    temp.remove();
  };
}
