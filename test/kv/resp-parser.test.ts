import { describe, expect, it } from 'vitest';
import {
  createRespDecoder,
  encodeCommand,
  RespError,
  RespProtocolError,
} from '../../src/dev/upstash-endpoint/resp-parser.ts';

const wire = Buffer.from(
  '+OK\r\n' +
    ':-42\r\n' +
    '$-1\r\n' +
    '$6\r\na\r\nb\r\n\r\n' +
    '-ERR wrong\r\n' +
    '*3\r\n:1\r\n*2\r\n$1\r\nx\r\n*-1\r\n-WRONGTYPE nested\r\n' +
    '*0\r\n',
);

const expected = [
  'OK',
  -42,
  null,
  Buffer.from('a\r\nb\r\n'),
  new RespError('ERR wrong'),
  [1, [Buffer.from('x'), null], new RespError('WRONGTYPE nested')],
  [],
];

describe('RESP2 decoding', () => {
  it('decodes every reply type from one chunk', () => {
    expect(createRespDecoder()(wire)).toEqual(expected);
  });

  it('decodes the same replies when they arrive one byte at a time', () => {
    const decode = createRespDecoder();
    const replies = [];
    for (let i = 0; i < wire.length; i += 1) replies.push(...decode(wire.subarray(i, i + 1)));
    expect(replies).toEqual(expected);
  });

  it('keeps bulk strings as raw bytes, including invalid UTF-8', () => {
    const bytes = Buffer.from([0x00, 0xff, 0x0d, 0x0a, 0x80]);
    const chunk = Buffer.concat([Buffer.from('$5\r\n'), bytes, Buffer.from('\r\n')]);
    expect(createRespDecoder()(chunk)).toEqual([bytes]);
  });

  it('throws on bytes that are not RESP', () => {
    expect(() => createRespDecoder()(Buffer.from('?what\r\n'))).toThrow(RespProtocolError);
  });
});

describe('RESP2 encoding', () => {
  it('encodes a command as an array of length-prefixed bulk strings, counting bytes', () => {
    const encoded = encodeCommand(['SET', 'ké', Buffer.from([0, 1])]);
    const expectedBytes = Buffer.concat([
      Buffer.from('*3\r\n$3\r\nSET\r\n$3\r\n'),
      Buffer.from('ké', 'utf8'),
      Buffer.from('\r\n$2\r\n'),
      Buffer.from([0, 1]),
      Buffer.from('\r\n'),
    ]);
    expect(encoded).toEqual(expectedBytes);
  });
});
