import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChannelEvent } from '../../src/realtime/protocol.ts';
import { createRealtimePublisher } from '../../src/realtime/publisher.ts';
import { signatureHeader, verifyRequestBody } from '../../src/realtime/request-signature.ts';

const secret = 'a-secret-of-enough-length';

/** A room stand-in on 127.0.0.1 that records what it was sent and answers like a room. */
const received: { url: string; headers: IncomingHttpHeaders; body: string }[] = [];
const room = createServer(async (req, res) => {
  let body = '';
  for await (const chunk of req) body += chunk;
  received.push({ url: req.url ?? '', headers: req.headers, body });
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end('{"ok":true,"accepted":1,"closed":0,"headSeq":1}');
});
let host = '';

beforeAll(async () => {
  await new Promise<void>((resolve) => room.listen(0, '127.0.0.1', resolve));
  host = `http://127.0.0.1:${(room.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((resolve) => room.close(resolve));
});

describe('the publisher', () => {
  it('posts a signed body to the channel’s room and asks for an uncompressed answer', async () => {
    received.length = 0;
    const event = {
      type: 'member.joined',
      data: { userId: 'usr_1' },
      channelId: 'ch_pub',
      seq: 1,
      actorId: 'usr_1',
      createdAt: new Date().toISOString(),
    } as ChannelEvent;
    await createRealtimePublisher({ host, secret }).publish([event]);

    expect(received).toHaveLength(1);
    const [request] = received;
    expect(request!.url).toBe('/parties/main/ch_pub');
    expect(request!.headers['accept-encoding']).toBe('identity');
    expect(JSON.parse(request!.body)).toEqual({ events: [event] });
    const signature = String(request!.headers[signatureHeader]);
    expect(await verifyRequestBody(request!.body, signature, secret, Date.now())).toBe(true);
  });
});
