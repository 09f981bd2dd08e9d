import v8 from 'node:v8';
import { runInNewContext } from 'node:vm';

// The live heap of this process, measured after a full collection, so garbage
// waiting to be collected does not count as memory held.

v8.setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/** Live JavaScript heap plus array buffers (pg's and the stream's Buffers), in bytes, after a full collection. */
export function liveBytes(): number {
  gc();
  const usage = process.memoryUsage();
  return usage.heapUsed + usage.arrayBuffers;
}

/** A meter from now: sample() as often as wanted, growth() is the largest live size seen minus the size at the start. */
export function heapMeter(): { sample(): void; growth(): number } {
  const base = liveBytes();
  let peak = base;
  return {
    sample: () => {
      peak = Math.max(peak, liveBytes());
    },
    growth: () => peak - base,
  };
}

/** Reads a response body to its end, sampling `meter` about every `everyBytes`; the bytes read and a count of `\n` in them. */
export async function drain(body: ReadableStream<Uint8Array>, meter: { sample(): void }, everyBytes = 8 * 1024 * 1024) {
  let bytes = 0;
  let lines = 0;
  let next = everyBytes;
  const reader = body.getReader();
  for (let step = await reader.read(); !step.done; step = await reader.read()) {
    const chunk = step.value;
    bytes += chunk.length;
    for (let i = chunk.indexOf(10); i >= 0; i = chunk.indexOf(10, i + 1)) lines++;
    if (bytes >= next) {
      meter.sample();
      next = bytes + everyBytes;
    }
  }
  meter.sample();
  return { bytes, lines };
}
