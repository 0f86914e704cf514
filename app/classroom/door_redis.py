"""The door of a class (app/classroom/door.py) in Redis, for RedisRegistry.

Keys, beside the class's own (app/classroom/registry_redis.py: touched and dropped with them):
    bpe:c:CODE:roll       hash: student -> "MS CLIENT", when it last took a seat and from where
    bpe:c:CODE:rollby     sorted set: client address -> its ids on the roll
    bpe:c:CODE:blocked    sorted set: client address -> when the teacher dropped it (ms)
"""

from __future__ import annotations

import time

from .. import limits
from .door import Door
from .errors import ClassLocked, ClassNotFound, DeviceRemoved

REFUSED = {b"blocked": DeviceRemoved, b"locked": ClassLocked}  # what JOIN answers when `door` refuses

# For JOIN (after _SEATS, which sets `c`): door(student, client) -> "blocked" | "locked" | nil,
# and enroll(student, client, now, size), the rules of Seats.join on the roll.
DOOR = """
local roll, by = c .. ':roll', c .. ':rollby'
local function door(student, client)
  if redis.call('ZSCORE', c .. ':blocked', client) then return 'blocked' end
  if redis.call('HGET', c .. ':state', 'locked') == 'true' and redis.call('HEXISTS', roll, student) == 0 then
    return 'locked'
  end
end
local function unroll(who, owner)
  redis.call('HDEL', roll, who)
  if tonumber(redis.call('ZINCRBY', by, -1, owner)) <= 0 then redis.call('ZREM', by, owner) end
end
local function enroll(student, client, now, size)
  local was = redis.call('HGET', roll, student)
  if was then
    unroll(student, string.match(was, ' (.*)$'))
  elseif redis.call('HLEN', roll) >= size then
    local most = redis.call('ZREVRANGE', by, 0, 0, 'WITHSCORES')
    local held = tonumber(redis.call('ZSCORE', by, client) or '0')
    if not most[1] or most[1] == client or tonumber(most[2]) < held + 2 then return end
    local all, stalest, at = redis.call('HGETALL', roll), nil, nil
    for i = 1, #all, 2 do  -- that address's id that took a seat the longest ago makes room
      local t, owner = string.match(all[i + 1], '^(%d+) (.*)$')
      if owner == most[1] and (not at or tonumber(t) < at) then stalest, at = all[i], tonumber(t) end
    end
    unroll(stalest, most[1])
  end
  redis.call('HSET', roll, student, now .. ' ' .. client)
  redis.call('ZINCRBY', by, 1, client)
  local ttl = redis.call('PTTL', c)
  redis.call('PEXPIRE', roll, ttl)
  redis.call('PEXPIRE', by, ttl)
end
"""

# DROP: ARGV code, client, now, most blocked -> 1, or false (no class)
DROP = """
local c = 'bpe:c:' .. ARGV[1]
if redis.call('EXISTS', c) == 0 then return false end
local client, gone = ARGV[2], {}
local held = redis.call('HGETALL', c .. ':seats')
for i = 1, #held, 2 do
  if string.match(held[i + 1], ' (.*)$') == client then
    redis.call('HDEL', c .. ':seats', held[i])
    redis.call('ZREM', c .. ':students', held[i])
    table.insert(gone, held[i])
  end
end
redis.call('ZREM', c .. ':clients', client)
local known = redis.call('HGETALL', c .. ':roll')
for i = 1, #known, 2 do
  if string.match(known[i + 1], ' (.*)$') == client then
    redis.call('HDEL', c .. ':roll', known[i])
    table.insert(gone, known[i])
  end
end
redis.call('ZREM', c .. ':rollby', client)
for _, who in ipairs(gone) do redis.call('HDEL', c .. ':answers', who) end
local blocked = c .. ':blocked'
redis.call('ZADD', blocked, ARGV[3], client)
redis.call('ZREMRANGEBYRANK', blocked, 0, -tonumber(ARGV[4]) - 1)
redis.call('PEXPIRE', blocked, redis.call('PTTL', c))
return 1
"""

# ADDRESSES: ARGV code -> {client, seats, client, seats, ...}, the number of addresses blocked
ADDRESSES = """
local c = 'bpe:c:' .. ARGV[1]
return {redis.call('ZRANGE', c .. ':clients', 0, -1, 'WITHSCORES'), redis.call('ZCARD', c .. ':blocked')}
"""


class RedisDoor(Door):
    """Door for RedisRegistry (its `_scripts`, `_run` and `_call`)."""

    async def addresses(self, code: str) -> tuple[dict[str, int], int]:
        held, blocked = await self._door("ADDRESSES", [code])
        per = {held[i].decode(): int(float(held[i + 1])) for i in range(0, len(held), 2)}
        return {client: n for client, n in per.items() if n > 0}, int(blocked)

    async def drop_address(self, code: str, client: str) -> None:
        args = [code, client, int(time.time() * 1000), limits.CLASS_BLOCKED_ADDRESSES]
        if not await self._door("DROP", args):
            raise ClassNotFound(code)

    async def blocked(self, code: str, client: str) -> bool:
        return await self._call("zscore", f"bpe:c:{code}:blocked", client) is not None

    async def unblock(self, code: str) -> None:
        await self._call("delete", f"bpe:c:{code}:blocked")

    async def _door(self, name: str, args: list):
        if name not in self._scripts:
            self._scripts[name] = self.redis.register_script(globals()[name])
        return await self._run(name, args)
