/** Counts the commands Redis has processed (INFO commandstats), to report Redis commands per login, by command. */
import { createClient } from '@keyv/redis';

export interface RedisCounter {
  /** Calls per command so far ("get" → 1234). */
  byCommand(): Promise<Map<string, number>>;
  close(): Promise<void>;
}

export async function openRedisCounter(url: string): Promise<RedisCounter> {
  const client = createClient({ url });
  await client.connect();
  const byCommand = async () => {
    const info = await client.info('commandstats');
    const counts = new Map<string, number>();
    for (const match of info.matchAll(/^cmdstat_([^:]+):calls=(\d+)/gm)) {
      // The counter's own INFO calls are not the server's.
      if (match[1] !== 'info') counts.set(match[1]!, Number(match[2]));
    }
    return counts;
  };
  return {
    byCommand,
    close: async () => void (await client.close()),
  };
}
