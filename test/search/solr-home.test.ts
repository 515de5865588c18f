import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { hashConfigSet, prepareHome, solrCore } from '../../origin-search/solr/launcher.ts';

let home: string;
beforeEach(() => {
  home = mkdtempSync(join(tmpdir(), 'stek-solr-home-'));
});
afterEach(() => rmSync(home, { recursive: true, force: true }));

const core = () => join(home, 'cores', solrCore);
const indexFile = () => join(core(), 'data', 'index', 'segments_1');

function writeIndex(): void {
  mkdirSync(join(core(), 'data', 'index'), { recursive: true });
  writeFileSync(indexFile(), 'an index');
}

describe('the kept Solr home', () => {
  it('starts a new home empty and stamps it with the config set', () => {
    expect(prepareHome(home)).toEqual({ indexEmpty: true, indexRemoved: false });
    expect(readFileSync(join(core(), 'configset.sha256'), 'utf8').trim()).toBe(hashConfigSet());
    expect(existsSync(join(core(), 'core.properties'))).toBe(true);
  });

  it('keeps an index written with the same config set', () => {
    prepareHome(home);
    writeIndex();
    expect(prepareHome(home)).toEqual({ indexEmpty: false, indexRemoved: false });
    expect(existsSync(indexFile())).toBe(true);
  });

  it('removes an index from another config set, or from before stamps, and says so', () => {
    prepareHome(home);
    writeIndex();
    writeFileSync(join(core(), 'configset.sha256'), 'an older config set\n');
    expect(prepareHome(home)).toEqual({ indexEmpty: true, indexRemoved: true });
    expect(existsSync(indexFile())).toBe(false);

    writeIndex();
    rmSync(join(core(), 'configset.sha256'));
    expect(prepareHome(home)).toEqual({ indexEmpty: true, indexRemoved: true });
    expect(existsSync(indexFile())).toBe(false);
    expect(prepareHome(home)).toEqual({ indexEmpty: false, indexRemoved: false });
  });
});
