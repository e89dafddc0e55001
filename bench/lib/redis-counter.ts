/** Counts the commands Redis has processed (INFO stats), to report Redis commands per login. */
import { createClient } from '@keyv/redis';

export interface RedisCounter {
  total(): Promise<number>;
  close(): Promise<void>;
}

export async function openRedisCounter(url: string): Promise<RedisCounter> {
  const client = createClient({ url });
  await client.connect();
  return {
    async total() {
      const info = await client.info('stats');
      const match = /total_commands_processed:(\d+)/.exec(info);
      return match ? Number(match[1]) : Number.NaN;
    },
    close: async () => void (await client.close()),
  };
}
