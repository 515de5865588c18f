/** How a command reports: plain lines for people, one JSON document with `--json`. */
export interface Output {
  json: boolean;
  /** A line for people; suppressed with --json. */
  say(text: string): void;
  /** The command's result: printed as JSON with --json, else through `human`. */
  result(value: unknown, human?: (value: any) => string): void;
  error(message: string, code?: string): void;
}

export function createOutput(json: boolean): Output {
  return {
    json,
    say(text) {
      if (!json) process.stdout.write(`${text}\n`);
    },
    result(value, human) {
      if (json) process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
      else if (human) process.stdout.write(`${human(value)}\n`);
    },
    error(message, code = 'error') {
      if (json) process.stdout.write(`${JSON.stringify({ error: { code, message } })}\n`);
      else process.stderr.write(`stek: ${message}\n`);
    },
  };
}
