/** The last N lag samples (ms) in a ring, for p50/p99 in the availability status. */
export class LagSamples {
  private readonly ring: Float64Array;
  private count = 0;

  constructor(size: number) {
    this.ring = new Float64Array(size);
  }

  add(ms: number): void {
    this.ring[this.count % this.ring.length] = Math.max(0, ms);
    this.count++;
  }

  summary(): { samples: number; p50: number | null; p99: number | null } {
    const n = Math.min(this.count, this.ring.length);
    if (n === 0) return { samples: 0, p50: null, p99: null };
    const sorted = Array.from(this.ring.subarray(0, n)).sort((a, b) => a - b);
    const at = (q: number) => sorted[Math.min(n - 1, Math.max(0, Math.ceil(q * n) - 1))]!;
    return { samples: this.count, p50: at(0.5), p99: at(0.99) };
  }
}
