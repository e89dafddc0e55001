/** Deletes the keys a bench run left in Redis: "<prefix>*" (the store names keys "<namespace>::<key>"). */
import { createClient } from '@keyv/redis';

export async function deleteKeys(url: string, prefix: string): Promise<number> {
  const client = createClient({ url });
  await client.connect();
  let deleted = 0;
  try {
    for await (const keys of client.scanIterator({ MATCH: `${prefix}*`, COUNT: 1000 })) {
      if (keys.length > 0) deleted += await client.unlink(keys);
    }
  } finally {
    await client.close();
  }
  return deleted;
}
