import type { Server } from 'node:net';
import type { Duplex } from 'node:stream';

/** Every server of the rig binds here unless told otherwise. */
export const LOOPBACK_HOST = '127.0.0.1';

/**
 * Starts `server` listening and resolves with its `host:port` authority (IPv6 hosts bracketed),
 * for building the http:// and ws:// URLs a server hands to its peers.
 */
export async function listenOn(server: Server, host: string, port: number, who: string): Promise<string> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error(`${who}: the server has no TCP address after listen`);
  return `${host.includes(':') ? `[${host}]` : host}:${address.port}`;
}

/** Answers a WebSocket upgrade on a path nobody serves with a plain 404 and drops the socket. */
export function refuseUpgrade(socket: Duplex): void {
  socket.on('error', () => {});
  socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
  socket.destroy();
}
