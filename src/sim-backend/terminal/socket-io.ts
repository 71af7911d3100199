import { WebSocket, type RawData } from 'ws';

/** Sends one JSON message if the socket is open; returns whether it went out. */
export function sendJson(ws: WebSocket, message: object): boolean {
  if (ws.readyState !== WebSocket.OPEN) return false;
  ws.send(JSON.stringify(message));
  return true;
}

/** The text of a frame for the traffic log, when it did not decode. */
export function frameText(data: RawData): string {
  const bytes = Array.isArray(data) ? Buffer.concat(data) : Buffer.isBuffer(data) ? data : Buffer.from(data);
  return bytes.toString('utf8');
}
