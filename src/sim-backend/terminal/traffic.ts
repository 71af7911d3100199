/** One message crossing one of the terminal's links, as seen by the terminal. */
export interface TrafficEntry {
  /** Clock time (epoch ms) when the terminal saw or sent it. */
  at: number;
  channel: 'reader' | 'reception' | 'central';
  direction: 'in' | 'out';
  /** The decoded message, or the raw text of a frame that did not decode. */
  message: unknown;
}

export type TrafficRecorder = (channel: TrafficEntry['channel'], direction: TrafficEntry['direction'], message: unknown) => void;
