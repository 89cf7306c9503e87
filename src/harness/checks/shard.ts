/**
 * `run --shard i/n`: which checks a shard runs. The assignment hashes the check ID alone (SHA-256), so
 * a check lands on the same shard whatever else is selected (profiles, --grep, --requirement, faults).
 */
import { createHash } from 'node:crypto';
import { HarnessError } from '../types';

export interface Shard {
  /** 1-based. */
  index: number;
  total: number;
}

export function parseShard(text: string): Shard {
  const m = /^(\d+)\/(\d+)$/.exec(text);
  const index = m ? Number(m[1]) : NaN;
  const total = m ? Number(m[2]) : NaN;
  if (!m || total < 1 || total > 1000 || index < 1 || index > total) {
    throw new HarnessError(
      'ERR_USAGE',
      `--shard ${text}: expected i/n with 1 ≤ i ≤ n ≤ 1000`,
      'e.g. --shard 2/3 (the second of three shards)',
    );
  }
  return { index, total };
}

/** The shard (1..total) a check ID belongs to. */
export function shardOf(checkId: string, total: number): number {
  const h = createHash('sha256').update(checkId, 'utf8').digest();
  return (h.readUInt32BE(0) % total) + 1;
}

export function inShard(checkId: string, shard: Shard | undefined): boolean {
  return !shard || shardOf(checkId, shard.total) === shard.index;
}
