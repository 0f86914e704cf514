"""RedisRegistry: classes in Redis, so that every replica serves every class.

Keys, for a class CODE (all under "bpe:c:", apart from the sessions' keys):
    bpe:c:CODE            hash: session, key (its hash), created, used, last (the last broadcast),
                          v (ClassInfo.version: bumped by each broadcast recorded and each move)
    bpe:c:CODE:state      hash: the class's state, name -> JSON value (ClassInfo.state)
    bpe:c:CODE:answers    hash: student -> answer (the last one counts), at most max_size
    bpe:c:CODE:students, :seats, :clients   who holds a seat (app/classroom/seats_redis.py)
    bpe:c:of:SID          the code of the class that session SID teaches: the session's tag,
                          which RedisStore reads with each load and save (TAG_PREFIX)
    bpe:c:lru             sorted set: code -> last used (ms), for the oldest to make room
    bpe:c:CODE:report     list: the revealed questions' JSON (app/classroom/report.py), the latest kept;
                          when the class ends, bpe:c:ended:CODE (and :key, the teacher key's hash)
                          for CLASS_IDLE_SECONDS more
    bpe:c:CODE:roll, :rollby, :blocked   who may come in (app/classroom/door_redis.py)
    bpe:c:CODE:runs, :runsby   the students' own runs (app/classroom/runs_redis.py)
Every key of a class expires after CLASS_IDLE_SECONDS unused.  The scripts run whole.
"""

from __future__ import annotations

import time

import orjson

from .. import limits
from ..sessions.redis_link import RedisLink
from .door_redis import RedisDoor
from .errors import ClassNotFound
from .registry import ClassInfo, Registry
from .runs import ON_SHOW
from .runs_redis import RedisRuns
from .seats_redis import RedisSeats

AWAY = "the class registry (Redis) cannot be reached just now; try again shortly"
FULL = "the class registry (Redis) is full: nothing can be changed until it has room again"
TAG_PREFIX = "bpe:c:of:"

_COMMON = """
local P = 'bpe:c:'
local function drop(code, ttl)
  local sid = redis.call('HGET', P .. code, 'session')
  if sid and redis.call('GET', P .. 'of:' .. sid) == code then redis.call('DEL', P .. 'of:' .. sid) end
  redis.call('ZREM', P .. 'lru', code)
  local c = P .. code
  if redis.call('EXISTS', c .. ':report') == 1 and redis.call('HEXISTS', c, 'key') == 1 then
    -- the report outlives the class by ttl, under its teacher key's hash
    redis.call('RENAME', c .. ':report', P .. 'ended:' .. code)
    redis.call('PEXPIRE', P .. 'ended:' .. code, ttl)
    redis.call('SET', P .. 'ended:' .. code .. ':key', redis.call('HGET', c, 'key'), 'PX', ttl)
  end
  return redis.call('DEL', c, c .. ':state', c .. ':answers', c .. ':students',
    c .. ':seats', c .. ':clients', c .. ':roll', c .. ':rollby', c .. ':blocked', c .. ':report',
    c .. ':runs', c .. ':runsby')
end
local function touch(code, now, ttl)
  local c = P .. code
  if redis.call('EXISTS', c) == 0 then return false end
  redis.call('HSET', c, 'used', now)
  redis.call('PEXPIRE', c, ttl)
  redis.call('PEXPIRE', c .. ':state', ttl)
  redis.call('PEXPIRE', c .. ':answers', ttl)
  redis.call('PEXPIRE', c .. ':students', ttl)
  redis.call('PEXPIRE', c .. ':seats', ttl)
  redis.call('PEXPIRE', c .. ':clients', ttl)
  redis.call('PEXPIRE', c .. ':report', ttl)
  for _, k in ipairs({':roll', ':rollby', ':blocked', ':runs', ':runsby'}) do
    redis.call('PEXPIRE', c .. k, ttl)
  end
  redis.call('PEXPIRE', P .. 'of:' .. redis.call('HGET', c, 'session'), ttl)
  redis.call('ZADD', P .. 'lru', now, code)
  return true
end
"""

# ADD: ARGV code, session, key hash, now, ttl, max classes, its state as name, JSON, ... -> {made (0|1),
# the session's old code or ""}, or {ON_SHOW, the code of the class whose spotlight shows the session}
ADD = (
    _COMMON
    + f"local ON_SHOW = {ON_SHOW}\n"
    + """
local code, sid, now, ttl = ARGV[1], ARGV[2], tonumber(ARGV[4]), tonumber(ARGV[5])
if redis.call('EXISTS', P .. code) == 1 then return {0, ''} end
for _, old in ipairs(redis.call('ZRANGEBYSCORE', P .. 'lru', '-inf', '(' .. (now - ttl))) do
  drop(old, ttl)
end
local old = redis.call('GET', P .. 'of:' .. sid) or ''
if old ~= '' then
  local on = redis.call('HGET', P .. old .. ':state', 'spotlight')
  if on and on ~= 'null' then return {ON_SHOW, old} end  -- a student's run on show there
  drop(old, ttl)
end
while redis.call('ZCARD', P .. 'lru') >= tonumber(ARGV[6]) do
  drop(redis.call('ZRANGE', P .. 'lru', 0, 0)[1], ttl)
end
redis.call('HSET', P .. code, 'session', sid, 'key', ARGV[3], 'created', now)
if #ARGV >= 7 then redis.call('HSET', P .. code .. ':state', unpack(ARGV, 7)) end
redis.call('SET', P .. 'of:' .. sid, code)
touch(code, now, ttl)
return {1, old}
"""
)

FIELDS = ("session", "key", "created", "used", "v")
# GET: ARGV code, now, ttl -> {the FIELDS' values, the state as name, JSON, ...}, or false
GET = (
    _COMMON
    + "if not touch(ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3])) then return false end\n"
    + ("return {redis.call('HMGET', P .. ARGV[1], " + ", ".join(f"'{f}'" for f in FIELDS) + "), ")
    + "redis.call('HGETALL', P .. ARGV[1] .. ':state')}\n"
)

# CHANGE: ARGV code, now, ttl, forget answers (0|1), name, JSON value, ... -> true, or false (no class)
CHANGE = (
    _COMMON
    + """
if not touch(ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3])) then return false end
if ARGV[4] == '1' then redis.call('DEL', P .. ARGV[1] .. ':answers') end
if #ARGV >= 5 then
  redis.call('HSET', P .. ARGV[1] .. ':state', unpack(ARGV, 5))
  redis.call('PEXPIRE', P .. ARGV[1] .. ':state', tonumber(ARGV[3]))
end
return true
"""
)

# END: ARGV code, ttl -> the session id, or false
END = (
    _COMMON
    + """
local sid = redis.call('HGET', P .. ARGV[1], 'session')
if not sid then return false end
drop(ARGV[1], tonumber(ARGV[2]))
return sid
"""
)

# NOTE: ARGV code, now, ttl, a revealed question's JSON, most kept -> whether the class exists
NOTE = (
    _COMMON
    + """
if not touch(ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3])) then return false end
local r = P .. ARGV[1] .. ':report'
redis.call('RPUSH', r, ARGV[4])
redis.call('LTRIM', r, -tonumber(ARGV[5]), -1)
redis.call('PEXPIRE', r, tonumber(ARGV[3]))
return true
"""
)

# REPORT: ARGV code -> {the teacher key's hash, the questions' JSON}, of the class or of one that
# ended within the TTL; or false
REPORT = """
local c = 'bpe:c:' .. ARGV[1]
local key = redis.call('HGET', c, 'key')
if key then return {key, redis.call('LRANGE', c .. ':report', 0, -1)} end
local ended = 'bpe:c:ended:' .. ARGV[1]
key = redis.call('GET', ended .. ':key')
if key then return {key, redis.call('LRANGE', ended, 0, -1)} end
return false
"""

# MOVE: ARGV code, new session, now, ttl -> the old session id, or false (no class)
MOVE = (
    _COMMON
    + """
local c = P .. ARGV[1]
local sid = redis.call('HGET', c, 'session')
if not sid then return false end
if redis.call('GET', P .. 'of:' .. sid) == ARGV[1] then redis.call('DEL', P .. 'of:' .. sid) end
redis.call('HSET', c, 'session', ARGV[2])
redis.call('HDEL', c, 'last')
redis.call('HINCRBY', c, 'v', 1)
redis.call('SET', P .. 'of:' .. ARGV[2], ARGV[1])
touch(ARGV[1], tonumber(ARGV[3]), tonumber(ARGV[4]))
return sid
"""
)

# RECORD: ARGV code, now, ttl, message -> whether the class exists
RECORD = (
    _COMMON
    + """
if not touch(ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3])) then return false end
redis.call('HSET', P .. ARGV[1], 'last', ARGV[4])
redis.call('HINCRBY', P .. ARGV[1], 'v', 1)
return true
"""
)

# ANSWER: ARGV code, student, value, max size -> "ok" | "closed" | false (no class).  Taken
# while the state's quiz is set and its truth is not (ClassInfo.asking).
ANSWER = """
local c = 'bpe:c:' .. ARGV[1]
if redis.call('EXISTS', c) == 0 then return false end
local got = redis.call('HMGET', c .. ':state', 'quiz', 'truth')
local function unset(v) return (not v) or v == 'null' end
if unset(got[1]) or not unset(got[2]) then return 'closed' end
local a = c .. ':answers'
if redis.call('HEXISTS', a, ARGV[2]) == 0 and redis.call('HLEN', a) >= tonumber(ARGV[4]) then
  -- full: the answer of a student who holds no seat any more makes room
  local room = false
  for _, who in ipairs(redis.call('HKEYS', a)) do
    if redis.call('HEXISTS', c .. ':seats', who) == 0 then
      redis.call('HDEL', a, who)
      room = true
      break
    end
  end
  if not room then return 'closed' end
end
redis.call('HSET', a, ARGV[2], ARGV[3])
redis.call('PEXPIRE', a, redis.call('PTTL', c))
return 'ok'
"""


class RedisRegistry(RedisRuns, RedisSeats, RedisDoor, Registry):
    def __init__(self, url: str, max_size: int, idle_seconds: float, max_classes: int) -> None:
        super().__init__(max_size, idle_seconds, max_classes)
        self.ttl = int(idle_seconds * 1000)
        self.link = RedisLink(url, AWAY, FULL)  # every call ends in time (app/sessions/redis_link.py)
        self.redis = self.link.redis
        names = ("ADD", "GET", "CHANGE", "END", "MOVE", "RECORD", "ANSWER", "NOTE", "REPORT")
        self._scripts = {name: self.redis.register_script(globals()[name]) for name in names}

    async def _add(self, info: ClassInfo) -> tuple[bool, str | None]:
        args = [info.code, info.session, info.key_hash, _ms(info.created), self.ttl, self.max_classes]
        args += [part for name, value in info.state.items() for part in (name, orjson.dumps(value))]
        made, old = await self._run("ADD", args)
        return made, old.decode() or None

    async def get(self, code: str) -> ClassInfo:
        got = await self._run("GET", [code, _ms(), self.ttl])
        if not got:
            raise ClassNotFound(code)
        fields, pairs = got
        values = dict(zip(FIELDS, [v.decode() if v is not None else "" for v in fields], strict=True))
        return ClassInfo(
            code=code,
            session=values["session"],
            key_hash=values["key"],
            created=int(values["created"]) / 1000,
            used=int(values["used"]) / 1000,
            version=int(values["v"] or 0),
            state={pairs[i].decode(): orjson.loads(pairs[i + 1]) for i in range(0, len(pairs), 2)},
        )

    def code_of(self, session_id: str, tag: str | None) -> str | None:
        return tag

    async def teaching(self, session_id: str) -> str | None:
        code = await self._call("get", TAG_PREFIX + session_id)
        return code.decode() if code else None

    async def change(self, code: str, forget_answers: bool = False, **state) -> ClassInfo:
        pairs = [part for name, value in state.items() for part in (name, orjson.dumps(value))]
        if not await self._run("CHANGE", [code, _ms(), self.ttl, int(forget_answers), *pairs]):
            raise ClassNotFound(code)
        return await self.get(code)

    async def end(self, code: str) -> ClassInfo:
        info = await self.get(code)
        if not await self._run("END", [code, self.ttl]):
            raise ClassNotFound(code)
        return info

    async def move(self, code: str, session_id: str) -> None:
        if not await self._run("MOVE", [code, session_id, _ms(), self.ttl]):
            raise ClassNotFound(code)

    async def record(self, code: str, message: bytes) -> None:
        await self._run("RECORD", [code, _ms(), self.ttl, message])

    async def last(self, code: str) -> bytes | None:
        return await self._call("hget", f"bpe:c:{code}", "last")

    async def answer(self, code: str, student: str, value: float) -> str:
        got = await self._run("ANSWER", [code, student, orjson.dumps(value), self.max_size])
        if got is None:
            raise ClassNotFound(code)
        return got.decode()

    async def answers(self, code: str) -> dict[str, float]:
        got = await self._call("hgetall", f"bpe:c:{code}:answers")
        return {k.decode(): float(v) for k, v in got.items()}

    async def note_question(self, code: str, entry: dict) -> None:
        args = [code, _ms(), self.ttl, orjson.dumps(entry), limits.CLASS_REPORT_QUESTIONS]
        if not await self._run("NOTE", args):
            raise ClassNotFound(code)

    async def report(self, code: str) -> tuple[str, list[dict]]:
        got = await self._run("REPORT", [code])
        if not got:
            raise ClassNotFound(code)
        return got[0].decode(), [orjson.loads(q) for q in got[1]]

    async def close(self) -> None:
        await self.link.close()

    async def _run(self, script: str, args: list):
        return await self.link.call(lambda: self._scripts[script](keys=[], args=args))

    async def _call(self, command: str, *args, **kwargs):
        return await self.link.call(lambda: getattr(self.redis, command)(*args, **kwargs))


def _ms(t: float | None = None) -> int:
    return int((time.time() if t is None else t) * 1000)
