"""The seats of a class (app/classroom/seats.py) in Redis, for RedisRegistry.

Keys, beside the class's own (app/classroom/registry_redis.py: touched and dropped with them):
    bpe:c:CODE:students   sorted set: student -> when last counted (ms); older than the
                          student TTL is a student whose replica went away: not counted
    bpe:c:CODE:seats      hash: student -> "SOCKET CLIENT", the socket that holds its seat and
                          that socket's address
    bpe:c:CODE:clients    sorted set: client address -> seats it holds
Joining passes the class's door (app/classroom/door_redis.py) in the same script.
"""

from __future__ import annotations

import time

from .. import limits
from .door_redis import DOOR, REFUSED
from .errors import ClassNotFound

_SEATS = """
local c = 'bpe:c:' .. ARGV[1]
local s, seats, per = c .. ':students', c .. ':seats', c .. ':clients'
local function holder(who) return string.match(redis.call('HGET', seats, who) or '', ' (.*)$') end
local function free(who)
  local owner = holder(who)
  redis.call('ZREM', s, who)
  redis.call('HDEL', seats, who)
  if owner and tonumber(redis.call('ZINCRBY', per, -1, owner)) <= 0 then redis.call('ZREM', per, owner) end
end
local function mine(who, socket)
  local held = redis.call('HGET', seats, who)
  return held and string.sub(held, 1, #socket + 1) == socket .. ' '
end
"""

# JOIN: ARGV code, student, now, stale before, max size, client, socket -> "ok" | "full" |
# false (no class).  The rules of app/classroom/seats.py.
JOIN = (
    _SEATS
    + DOOR
    + """
if redis.call('EXISTS', c) == 0 then return false end
local student, client = ARGV[2], ARGV[6]
local refused = door(student, client)
if refused then return refused end
for _, who in ipairs(redis.call('ZRANGEBYSCORE', s, '-inf', '(' .. ARGV[4])) do free(who) end
if redis.call('ZSCORE', s, student) then
  free(student)
elseif redis.call('ZCARD', s) >= tonumber(ARGV[5]) then
  local most = redis.call('ZREVRANGE', per, 0, 0, 'WITHSCORES')
  local held = tonumber(redis.call('ZSCORE', per, client) or '0')
  if not most[1] or most[1] == client or tonumber(most[2]) < held + 2 then return 'full' end
  for _, who in ipairs(redis.call('ZRANGE', s, 0, -1)) do  -- the stalest seat of that address
    if holder(who) == most[1] then
      free(who)
      break
    end
  end
end
redis.call('ZADD', s, ARGV[3], student)
redis.call('HSET', seats, student, ARGV[7] .. ' ' .. client)
redis.call('ZINCRBY', per, 1, client)
enroll(student, client, ARGV[3], tonumber(ARGV[5]))
local ttl = redis.call('PTTL', c)
for _, key in ipairs({s, seats, per}) do redis.call('PEXPIRE', key, ttl) end
return 'ok'
"""
)

# BEAT: ARGV code, student, socket, now -> 1 (counted again), 0 (the seat is not this socket's)
BEAT = (
    _SEATS
    + """
if not mine(ARGV[2], ARGV[3]) then return 0 end
redis.call('ZADD', s, 'XX', ARGV[4], ARGV[2])
return 1
"""
)

# LEAVE: ARGV code, student, socket -> 1, or 0 when the seat was not this socket's
LEAVE = (
    _SEATS
    + """
if not mine(ARGV[2], ARGV[3]) then return 0 end
free(ARGV[2])
return 1
"""
)


class RedisSeats:
    """Seats for RedisRegistry (its `_scripts`, `_run` and `_call`)."""

    async def join(self, code: str, student: str, client: str, socket: str) -> bool:
        now = _ms()
        stale = now - int(limits.CLASS_STUDENT_TTL_SECONDS * 1000)
        got = await self._seats("JOIN", [code, student, now, stale, self.max_size, client, socket])
        if got is None:
            raise ClassNotFound(code)
        if got in REFUSED:
            raise REFUSED[got]()
        return got == b"ok"

    async def beat(self, code: str, student: str, socket: str) -> bool:
        return bool(await self._seats("BEAT", [code, student, socket, _ms()]))

    async def leave(self, code: str, student: str, socket: str) -> None:
        await self._seats("LEAVE", [code, student, socket])

    async def joined(self, code: str) -> int:
        stale = _ms() - int(limits.CLASS_STUDENT_TTL_SECONDS * 1000)
        return await self._call("zcount", f"bpe:c:{code}:students", stale, "+inf")

    async def _seats(self, name: str, args: list):
        if name not in self._scripts:
            self._scripts[name] = self.redis.register_script(globals()[name])
        return await self._run(name, args)


def _ms() -> int:
    return int(time.time() * 1000)
