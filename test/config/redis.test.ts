/**
 * The Redis settings (config/redis.ts): one of REDIS_URL, REDIS_SENTINELS and
 * REDIS_CLUSTER_NODES, REDIS_WAIT_REPLICAS, and refusals that say what to
 * set without repeating a password. The topologies themselves are tested in
 * test/storage/redis-cluster.test.ts and redis-sentinel.test.ts.
 */
import assert from 'node:assert/strict';
import { readConfig } from '../../src/config/env.js';
import { keySlot, openRedis } from '../../src/storage/redis-topology.js';
import { problemsOf, startMain } from '../support/config.js';

const SENTINELS = { REDIS_SENTINELS: 'sentinel-a:26379, 10.0.0.2:26380,[::1]:26381', REDIS_SENTINEL_NAME: 'mymaster' };

describe('Redis settings', () => {
  it('no Redis setting: the in-memory store', () => {
    assert.equal(readConfig({}).redis, undefined);
  });

  it('REDIS_URL: one server, no replica to wait for unless REDIS_WAIT_REPLICAS says so', () => {
    assert.deepEqual(readConfig({ REDIS_URL: 'redis://:pw@redis:6379/2' }).redis, {
      topology: { kind: 'single', url: 'redis://:pw@redis:6379/2' },
      waitReplicas: 0,
    });
    assert.equal(readConfig({ REDIS_URL: 'rediss://redis:6380', REDIS_WAIT_REPLICAS: '2' }).redis?.waitReplicas, 2);
  });

  it('REDIS_SENTINELS with REDIS_SENTINEL_NAME: the master they name, one replica to wait for by default', () => {
    assert.deepEqual(
      readConfig({ ...SENTINELS, REDIS_USERNAME: 'idp', REDIS_PASSWORD: 'data-secret', REDIS_SENTINEL_PASSWORD: 's-secret' }).redis,
      {
        topology: {
          kind: 'sentinel',
          name: 'mymaster',
          sentinels: [
            { host: 'sentinel-a', port: 26379 },
            { host: '10.0.0.2', port: 26380 },
            { host: '::1', port: 26381 },
          ],
          username: 'idp',
          password: 'data-secret',
          sentinelPassword: 's-secret',
        },
        waitReplicas: 1,
      },
    );
    assert.equal(readConfig({ ...SENTINELS, REDIS_WAIT_REPLICAS: '0' }).redis?.waitReplicas, 0);
  });

  it('REDIS_CLUSTER_NODES: the seed nodes, no replica to wait for unless REDIS_WAIT_REPLICAS says so', () => {
    const nodes = 'redis://u:p@10.0.0.1:7000, redis://u:p@10.0.0.2:7000';
    assert.deepEqual(readConfig({ REDIS_CLUSTER_NODES: nodes, REDIS_WAIT_REPLICAS: '1' }).redis, {
      topology: { kind: 'cluster', nodes: ['redis://u:p@10.0.0.1:7000', 'redis://u:p@10.0.0.2:7000'] },
      waitReplicas: 1,
    });
    assert.equal(readConfig({ REDIS_CLUSTER_NODES: 'rediss://a:7000/' }).redis?.waitReplicas, 0);
  });

  it('refuses more than one way to Redis', () => {
    assert.deepEqual(problemsOf({ REDIS_URL: 'redis://r:6379', ...SENTINELS }), [
      'REDIS_URL and REDIS_SENTINELS are both set: set one of REDIS_URL (one server), REDIS_SENTINELS or REDIS_CLUSTER_NODES',
    ]);
    assert.match(
      problemsOf({ REDIS_SENTINELS: 'a:1', REDIS_CLUSTER_NODES: 'redis://b:2' }).join('\n'),
      /REDIS_SENTINELS and REDIS_CLUSTER_NODES are both set/,
    );
  });

  it('refuses bad values and settings without their topology, never repeating a password', () => {
    const cases: Array<[NodeJS.ProcessEnv, RegExp]> = [
      [{ REDIS_URL: 'http://:hunter2@r:6379' }, /^REDIS_URL must start with redis:\/\/ or rediss:\/\//],
      [{ REDIS_URL: 'redis://:hunter2@[bad' }, /^REDIS_URL is not a valid URL/],
      [{ REDIS_SENTINELS: 'a:26379' }, /^REDIS_SENTINELS needs REDIS_SENTINEL_NAME/],
      [{ ...SENTINELS, REDIS_SENTINELS: 'a:26379,b' }, /^REDIS_SENTINELS must be a comma-separated list of host:port, got "b"$/],
      [{ ...SENTINELS, REDIS_SENTINELS: 'a:99999' }, /got "a:99999"/],
      [{ ...SENTINELS, REDIS_USERNAME: 'idp' }, /^REDIS_USERNAME needs REDIS_PASSWORD$/],
      [
        { REDIS_URL: 'redis://r:6379', REDIS_PASSWORD: 'hunter2' },
        /^REDIS_PASSWORD applies to REDIS_SENTINELS only: with REDIS_URL the credentials go in the URL/,
      ],
      [{ REDIS_CLUSTER_NODES: 'redis://a:1', REDIS_SENTINEL_NAME: 'm' }, /^REDIS_SENTINEL_NAME applies to REDIS_SENTINELS only/],
      [{ REDIS_CLUSTER_NODES: 'redis://:hunter2@a:7000,redis://:hunter2@b' }, /^REDIS_CLUSTER_NODES: node 2 must name its port/],
      [{ REDIS_CLUSTER_NODES: 'redis://:hunter2@a:7000/1' }, /^REDIS_CLUSTER_NODES: node 1 names a database/],
      [{ REDIS_CLUSTER_NODES: 'redis://:hunter2@a:7000,redis://b:7000' }, /every node must have the same user and password/],
      [{ REDIS_CLUSTER_NODES: 'redis://a:7000,rediss://b:7000' }, /every node must use the same scheme/],
      [{ REDIS_CLUSTER_NODES: 'redis://:hunter2@a:7000,nonsense' }, /^REDIS_CLUSTER_NODES: node 2 is not a valid URL/],
      [{ REDIS_URL: 'redis://r:6379', REDIS_WAIT_REPLICAS: 'all' }, /^REDIS_WAIT_REPLICAS must be a whole number from 0 to 16, got "all"$/],
      [{ REDIS_WAIT_REPLICAS: '1' }, /^REDIS_WAIT_REPLICAS needs REDIS_URL, REDIS_SENTINELS or REDIS_CLUSTER_NODES$/],
    ];
    for (const [env, expected] of cases) {
      const problems = problemsOf(env);
      assert.equal(problems.length, 1, `${JSON.stringify(env)}: ${problems.join(' | ')}`);
      assert.match(problems[0]!, expected);
      assert.ok(!problems[0]!.includes('hunter2'), problems[0]);
    }
  });

  it('a bad combination stops the start, with the problem in the log line', async () => {
    const { code, stderr } = await startMain({ REDIS_URL: 'redis://127.0.0.1:1', REDIS_CLUSTER_NODES: 'redis://127.0.0.1:2' });
    assert.equal(code, 1);
    assert.match(stderr, /invalid configuration/);
    assert.match(stderr, /REDIS_URL and REDIS_CLUSTER_NODES are both set/);
  });

  it('descriptions and scrubbed messages name hosts, never credentials', () => {
    const sentinel = openRedis(
      {
        kind: 'sentinel',
        name: 'mymaster',
        sentinels: [{ host: 's1', port: 26379 }],
        username: 'idp',
        password: 'data-secret',
        sentinelPassword: 's-secret',
      },
      { timeoutMs: 100 },
    );
    assert.equal(sentinel.description, 'the master "mymaster" of the Sentinels s1:26379');
    assert.equal(sentinel.scrub('WRONGPASS data-secret s-secret idp'), 'WRONGPASS *** *** ***');
    const cluster = openRedis(
      { kind: 'cluster', nodes: ['redis://u:c%40secret@a:7000', 'redis://u:c%40secret@b:7001'] },
      { timeoutMs: 100 },
    );
    assert.equal(cluster.description, 'the cluster redis://a:7000,redis://b:7001');
    assert.equal(cluster.scrub('c@secret c%40secret'), '*** ***');
  });

  it('computes cluster key slots as Redis does (CLUSTER KEYSLOT)', () => {
    // Values from Redis's own documentation and test suite.
    assert.equal(keySlot('123456789'), 12739);
    assert.equal(keySlot('somekey'), 11058);
    assert.equal(keySlot('foo{bar}zap'), keySlot('bar'));
    assert.equal(keySlot('foo{}{bar}'), keySlot('foo{}{bar}'));
    assert.equal(keySlot('{user1000}.following'), keySlot('{user1000}.followers'));
  });
});
