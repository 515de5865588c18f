// The hosted service accepts a Lua shebang flag that stock redis-server refuses
// (`#!lua flags=allow-key-locking`, used by @upstash/ratelimit's scripts). The endpoint strips
// flags redis does not know before a script reaches it, and remembers which digest the client
// computed for the original text so EVALSHA and SCRIPT LOAD keep working with that digest.
import { createHash } from 'node:crypto';

import type { RespValue } from './resp-parser.ts';

const knownFlags = new Set([
  'no-writes',
  'allow-oom',
  'allow-stale',
  'no-cluster',
  'allow-cross-slot-keys',
]);

/** A command ready for redis, plus how to turn redis's reply back into the client's view. */
export interface CompatCommand {
  args: string[];
  restoreReply?: (reply: RespValue) => RespValue;
}

function sha1(text: string): string {
  return createHash('sha1').update(text, 'utf8').digest('hex');
}

function stripUnknownFlags(script: string): string {
  const match = /^#!lua([^\n]*)/.exec(script);
  if (!match) return script;
  const flagsMatch = /flags=(\S*)/.exec(match[1] ?? '');
  if (!flagsMatch) return script;
  const kept = (flagsMatch[1] ?? '').split(',').filter((flag) => knownFlags.has(flag));
  const shebang = kept.length > 0 ? `#!lua flags=${kept.join(',')}` : '#!lua';
  return shebang + script.slice(match[0].length);
}

/** Creates a translator holding the digest map for one endpoint. */
export function createScriptCompat(): (args: string[]) => CompatCommand {
  const digests = new Map<string, string>();

  function translateScript(script: string): string {
    const stripped = stripUnknownFlags(script);
    if (stripped !== script) digests.set(sha1(script).toLowerCase(), sha1(stripped));
    return stripped;
  }

  return function translateCommand(args: string[]): CompatCommand {
    const name = (args[0] ?? '').toUpperCase();
    if ((name === 'EVAL' || name === 'EVAL_RO') && args[1] !== undefined) {
      return { args: [args[0]!, translateScript(args[1]), ...args.slice(2)] };
    }
    if ((name === 'EVALSHA' || name === 'EVALSHA_RO') && args[1] !== undefined) {
      const mapped = digests.get(args[1].toLowerCase());
      return mapped ? { args: [args[0]!, mapped, ...args.slice(2)] } : { args };
    }
    if (name === 'SCRIPT' && args[1]?.toUpperCase() === 'LOAD' && args[2] !== undefined) {
      const original = sha1(args[2]);
      return {
        args: [args[0]!, args[1], translateScript(args[2])],
        restoreReply: (reply) => (Buffer.isBuffer(reply) ? Buffer.from(original) : reply),
      };
    }
    if (name === 'SCRIPT' && args[1]?.toUpperCase() === 'EXISTS') {
      const shas = args.slice(2).map((sha) => digests.get(sha.toLowerCase()) ?? sha);
      return { args: [args[0]!, args[1], ...shas] };
    }
    return { args };
  };
}
