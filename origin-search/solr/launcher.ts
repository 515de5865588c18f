import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const javaDir = join(here, 'java');
const libDir = join(here, 'lib');
const homeTemplate = join(here, 'home');
const launcherJar = join(javaDir, 'target', 'stek-solr-launcher-1.0.0.jar');
const stampFile = join(libDir, '.built-from');

/** The Solr core the config set defines. */
export const solrCore = 'messages';

export interface StartSolrOptions {
  /** 0 (the default) picks a free port. */
  port?: number;
  /**
   * Where the Solr home (and the index) lives. Kept across runs when given; a temp dir removed
   * on stop otherwise.
   */
  dataDir?: string;
  /** JVM heap, as for -Xmx; 1g by default. */
  heap?: string;
  /** More JVM options (GC settings, say), before the class path. */
  jvmArgs?: string[];
  /** Progress lines (classpath build, start-up). Silent by default. */
  onProgress?: (line: string) => void;
  /** How long to wait for Solr to serve, in ms. */
  startTimeoutMs?: number;
}

export interface RunningSolr {
  /** Base URL without the core, e.g. http://127.0.0.1:8983/solr */
  url: string;
  port: number;
  core: string;
  /** The JVM's process id (for reading its CPU time). */
  pid: number;
  /**
   * Whether the index started empty: a new Solr home, or a kept index from another config set
   * that was removed. Whatever should be searchable must then be indexed again.
   */
  indexEmpty: boolean;
  stop(): Promise<void>;
}

function hashBuildInputs(): string {
  const hash = createHash('sha256');
  hash.update(readFileSync(join(javaDir, 'pom.xml')));
  hash.update(readFileSync(join(javaDir, 'src/main/java/stek/solr/Launcher.java')));
  return hash.digest('hex');
}

/**
 * Builds the Solr classpath with Maven when it is missing or its inputs changed: the launcher
 * jar plus every runtime dependency copied into `origin-search/solr/lib`. A cold build downloads
 * about 85 MB into ~/.m2 and takes about a minute; later calls return at once.
 */
export function ensureSolrClasspath(onProgress?: (line: string) => void): void {
  const wanted = hashBuildInputs();
  if (existsSync(launcherJar) && existsSync(stampFile)) {
    if (readFileSync(stampFile, 'utf8').trim() === wanted) return;
  }
  onProgress?.('building the Solr classpath with Maven (the first time takes about a minute)…');
  const started = Date.now();
  rmSync(libDir, { recursive: true, force: true });
  const result = spawnSync('mvn', ['-q', '-B', 'package', '-DskipTests'], {
    cwd: javaDir,
    stdio: ['ignore', 'pipe', 'pipe'],
    encoding: 'utf8',
  });
  if (result.error)
    throw new Error('could not run mvn (is Maven installed?)', { cause: result.error });
  if (result.status !== 0) {
    throw new Error(`the Solr classpath build failed:\n${result.stdout}${result.stderr}`);
  }
  writeFileSync(stampFile, `${wanted}\n`);
  onProgress?.(`Solr classpath ready in ${Math.round((Date.now() - started) / 1000)} s`);
}

const configSetDir = join(homeTemplate, 'configsets', solrCore, 'conf');
// Beside a kept index: the fingerprint of the config set it was written with.
const indexStampName = 'configset.sha256';

/** A fingerprint of the repo's config set: every file's name and contents. */
export function hashConfigSet(): string {
  const hash = createHash('sha256');
  for (const name of readdirSync(configSetDir).sort()) {
    hash.update(`${name}\0`);
    hash.update(readFileSync(join(configSetDir, name)));
  }
  return hash.digest('hex');
}

/**
 * Copies the Solr home template (solr.xml, config set, core) into `dir`. An index written with
 * the same config set is kept; one from another config set is removed, since Solr may refuse to
 * open it (another index sort) or search it wrongly (fields it lacks). Returns whether the index
 * starts empty: a new core, or one whose index was removed.
 */
export function prepareHome(dir: string): { indexEmpty: boolean; indexRemoved: boolean } {
  mkdirSync(dir, { recursive: true });
  cpSync(join(homeTemplate, 'solr.xml'), join(dir, 'solr.xml'));
  // The config set is replaced every start so edits in the repo take effect.
  rmSync(join(dir, 'configsets'), { recursive: true, force: true });
  cpSync(join(homeTemplate, 'configsets'), join(dir, 'configsets'), { recursive: true });
  const core = join(dir, 'cores', solrCore);
  const stamp = join(core, indexStampName);
  const wanted = hashConfigSet();
  let created = false;
  let indexRemoved = false;
  if (!existsSync(join(core, 'core.properties'))) {
    cpSync(join(homeTemplate, 'cores', solrCore), core, { recursive: true });
    created = true;
  } else if (!existsSync(stamp) || readFileSync(stamp, 'utf8').trim() !== wanted) {
    rmSync(join(core, 'data'), { recursive: true, force: true });
    indexRemoved = true;
  }
  writeFileSync(stamp, `${wanted}\n`);
  return { indexEmpty: created || indexRemoved, indexRemoved };
}

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // The group is gone already: nothing left to stop.
  }
}

/**
 * Starts a real Solr 9 on 127.0.0.1 from the repo's config set, building the classpath first
 * if needed. Resolves once Solr answers; `stop()` ends the whole process group.
 */
export async function startSolr(options: StartSolrOptions = {}): Promise<RunningSolr> {
  const progress = options.onProgress;
  ensureSolrClasspath(progress);

  const temporary = options.dataDir === undefined;
  const home = temporary ? mkdtempSync(join(tmpdir(), 'stek-solr-')) : resolve(options.dataDir!);
  const { indexEmpty, indexRemoved } = prepareHome(home);
  if (indexRemoved) progress?.('the kept index was written with another config set: removed');

  progress?.('starting Solr…');
  const child = spawn(
    'java',
    [
      `-Xmx${options.heap ?? '1g'}`,
      ...(options.jvmArgs ?? []),
      '-Djetty.testMode=true',
      `-Dsolr.solr.home=${home}`,
      '-Dsolr.log.dir=' + join(home, 'logs'),
      '-Dlog4j2.level=WARN',
      '-Dsolr.disable.shardsWhitelist=true',
      '-cp',
      `${launcherJar}:${libDir}/*`,
      'stek.solr.Launcher',
      home,
      String(options.port ?? 0),
    ],
    { detached: true, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const stopOnExit = () => killGroup(child, 'SIGKILL');
  process.once('exit', stopOnExit);

  let output = '';
  const timeoutMs = options.startTimeoutMs ?? 120_000;
  const port = await new Promise<number>((resolvePort, reject) => {
    const timer = setTimeout(() => {
      killGroup(child, 'SIGKILL');
      reject(new Error(`Solr did not start within ${timeoutMs} ms:\n${output.slice(-4000)}`));
    }, timeoutMs);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.length > 100_000) output = output.slice(-50_000);
      const match = /SOLR_READY port=(\d+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolvePort(Number(match[1]));
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(
        new Error(`Solr exited (${signal ?? code}) before it was ready:\n${output.slice(-4000)}`),
      );
    });
  });
  // Keep draining the pipes so a chatty JVM never blocks on a full buffer.
  child.stdout!.removeAllListeners('data').resume();
  child.stderr!.removeAllListeners('data').resume();

  const exited = new Promise<void>((done) => {
    if (child.exitCode !== null || child.signalCode !== null) done();
    else child.once('exit', () => done());
  });
  let stopping: Promise<void> | undefined;
  return {
    url: `http://127.0.0.1:${port}/solr`,
    port,
    core: solrCore,
    pid: child.pid!,
    indexEmpty,
    stop() {
      stopping ??= (async () => {
        killGroup(child, 'SIGTERM');
        const killer = setTimeout(() => killGroup(child, 'SIGKILL'), 10_000);
        await exited;
        clearTimeout(killer);
        process.removeListener('exit', stopOnExit);
        if (temporary) rmSync(home, { recursive: true, force: true });
      })();
      return stopping;
    },
  };
}

async function runCli(): Promise<void> {
  const dataDir = process.env.STEK_SOLR_DATA_DIR;
  const solr = await startSolr({
    port: Number(process.env.SOLR_PORT ?? 0),
    dataDir: dataDir || undefined,
    onProgress: (line) => process.stderr.write(`${line}\n`),
  });
  process.stdout.write(`Solr listening on ${solr.url}\n`);
  const shutdown = () => {
    void solr.stop().then(() => process.exit(0));
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  runCli().catch((err: unknown) => {
    process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  });
}
