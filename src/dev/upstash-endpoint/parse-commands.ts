/** A request body the endpoint refuses; becomes HTTP 400 with `{ error }`. */
export class CommandRejectedError extends Error {
  override name = 'CommandRejectedError';
}

// Commands that change connection state or block it. Every HTTP request shares one pipelined
// connection, so these would leak into other callers' commands or stall them.
const REFUSED = new Set([
  'AUTH', 'BLMOVE', 'BLMPOP', 'BLPOP', 'BRPOP', 'BRPOPLPUSH', 'BZMPOP', 'BZPOPMAX', 'BZPOPMIN',
  'CLIENT', 'DISCARD', 'EXEC', 'HELLO', 'MONITOR', 'MULTI', 'PSUBSCRIBE', 'PUNSUBSCRIBE', 'QUIT',
  'RESET', 'SELECT', 'SSUBSCRIBE', 'SUBSCRIBE', 'SUNSUBSCRIBE', 'SYNC', 'PSYNC', 'UNSUBSCRIBE',
  'UNWATCH', 'WAIT', 'WATCH',
]); // prettier-ignore

/** Turns one JSON command (`["SET", "k", 1]`) into redis arguments, refusing unsafe ones. */
export function parseCommand(input: unknown): string[] {
  if (!Array.isArray(input) || input.length === 0) {
    throw new CommandRejectedError('ERR a command must be a non-empty JSON array');
  }
  const args = input.map((arg) => {
    if (typeof arg === 'string') return arg;
    if (typeof arg === 'number' || typeof arg === 'boolean') return String(arg);
    throw new CommandRejectedError('ERR command arguments must be strings, numbers or booleans');
  });
  const name = (args[0] as string).toUpperCase();
  if (REFUSED.has(name) || ((name === 'XREAD' || name === 'XREADGROUP') && hasBlock(args))) {
    throw new CommandRejectedError(`ERR command ${name} is not supported by this endpoint`);
  }
  return args;
}

function hasBlock(args: string[]): boolean {
  return args.some((arg) => arg.toUpperCase() === 'BLOCK');
}

/** Parses a `/pipeline` or `/multi-exec` body: a non-empty array of commands. */
export function parseCommandList(input: unknown): string[][] {
  if (!Array.isArray(input) || input.length === 0) {
    throw new CommandRejectedError('ERR a pipeline must be a non-empty JSON array of commands');
  }
  return input.map(parseCommand);
}
