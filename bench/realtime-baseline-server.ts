// The benchmark's baseline: a plain `ws` broadcast server in its own Node process, taking the same
// signed POSTs as a room and sending each event to every socket. No buffer, presence or storage.
// Run by bench/realtime-fanout.ts: npx tsx bench/realtime-baseline-server.ts <secret>
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { signatureHeader, verifyRequestBody } from '../src/realtime/request-signature.ts';
import type { ChannelEvent } from '../src/realtime/protocol.ts';

const secret = process.argv[2] ?? '';
const rooms = new Map<string, Set<WebSocket>>();
const roomOf = (url = '') => decodeURIComponent(url.split('?')[0]!.split('/')[3] ?? '');

const http = createServer(async (req, res) => {
  let body = '';
  for await (const chunk of req) body += chunk;
  const signed = await verifyRequestBody(
    body,
    String(req.headers[signatureHeader] ?? ''),
    secret,
    Date.now(),
  );
  if (req.method !== 'POST' || !signed) {
    res.writeHead(401).end();
    return;
  }
  const { events = [] } = JSON.parse(body) as { events?: ChannelEvent[] };
  const sockets = rooms.get(roomOf(req.url)) ?? new Set();
  for (const event of events) {
    const text = JSON.stringify({ type: 'event', event });
    for (const ws of sockets) ws.send(text);
  }
  res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
});

const wss = new WebSocketServer({ server: http });
wss.on('connection', (ws, req) => {
  const room = roomOf(req.url);
  const sockets = rooms.get(room) ?? new Set();
  rooms.set(room, sockets);
  sockets.add(ws);
  ws.on('close', () => sockets.delete(ws));
  ws.send(JSON.stringify({ type: 'hello', room }));
});

http.listen(0, '127.0.0.1', () => {
  console.log(`listening ${(http.address() as AddressInfo).port}`);
});
process.on('SIGTERM', () => process.exit(0));
