// The Lua scripts, byte-for-byte as the Go broker sends them: their SHA1s are the ones in
// ../shared/conformance/go-redis-monitor.txt, so EVALSHA hits the same cached script as Go's does.

/**
 * KEYS[1] timeout key, KEYS[2] list; ARGV[1] ttl ms, ARGV[2] payload, ARGV[3] capacity (0: none).
 * Sets the timeout key with its TTL and pushes the payload; past the capacity it trims and errors.
 */
export const PUSH_SCRIPT =
  '\n\tredis.call("SET", KEYS[1], ARGV[1], "PX", tonumber(ARGV[1]))\n\tlocal res = redis.call("LPUSH", KEYS[2], ARGV[2])\n\tlocal limit = tonumber(ARGV[3])\n\tif res > limit and limit > 0 then\n\t\tlocal diff = res - limit\n\t\tredis.call("LTRIM", KEYS[2], diff, limit + diff)\n\t\treturn redis.error_reply("list capacity exceeded")\n\tend\n\treturn res\n';

/** KEYS[1] timeout key. Returns its PTTL (-2: gone, i.e. expired) and deletes it. */
export const PTTL_DEL_SCRIPT = '\n\tlocal res = redis.call("PTTL", KEYS[1])\n\tredis.call("DEL", KEYS[1])\n\treturn res\n';

/**
 * Ours, not Go's: PTTL_DEL_SCRIPT for each of KEYS in one call, for the items of one pop (their timeout
 * keys share the list's hash tag). Returns the PTTLs in the order of KEYS. A single item still goes
 * through Go's script, so a lone call's redis traffic stays the same as Go's.
 */
export const PTTL_DEL_MANY_SCRIPT =
  '\n\tlocal res = {}\n\tfor i, k in ipairs(KEYS) do\n\t\tres[i] = redis.call("PTTL", k)\n\t\tredis.call("DEL", k)\n\tend\n\treturn res\n';

/**
 * Ours, not Go's: PUSH_SCRIPT for each item of a batch (push-batcher.ts). KEYS: timeout key and list
 * per item; ARGV: ttl ms, payload and capacity per item. Returns per item the list length, or the text
 * of the error PUSH_SCRIPT would have replied (after the same trim).
 */
export const PUSH_MANY_SCRIPT =
  '\n\tlocal out = {}\n\tfor i = 1, #KEYS / 2 do\n\t\tlocal tk, lk = KEYS[2 * i - 1], KEYS[2 * i]\n\t\tlocal ttl, payload, limit = ARGV[3 * i - 2], ARGV[3 * i - 1], tonumber(ARGV[3 * i])\n\t\tredis.call("SET", tk, ttl, "PX", tonumber(ttl))\n\t\tlocal res = redis.call("LPUSH", lk, payload)\n\t\tif res > limit and limit > 0 then\n\t\t\tlocal diff = res - limit\n\t\t\tredis.call("LTRIM", lk, diff, limit + diff)\n\t\t\tout[i] = "list capacity exceeded"\n\t\telse\n\t\t\tout[i] = res\n\t\tend\n\tend\n\treturn out\n';

export const CAPACITY_EXCEEDED = 'list capacity exceeded';
