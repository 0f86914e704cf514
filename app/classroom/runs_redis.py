"""The class's own runs (app/classroom/runs.py) in Redis, for RedisRegistry.

Keys, beside the class's own (app/classroom/registry_redis.py: touched and dropped with them):
    bpe:c:CODE:runs       hash: student id -> "TAG SID", their run's tag and session id
    bpe:c:CODE:runsby     hash: SID -> student id, so that no session is two students' runs
    bpe:c:CODE            ... its field runs_n: the tags given so far (the next is "S" .. runs_n + 1)
"""

from __future__ import annotations

from .errors import ClassNotFound
from .runs import Runs, tag_number

# KEEP_RUN: ARGV code, student, session id, max size -> {status, tag}, or false (no class).
# The rules of RunBook.keep (app/classroom/runs.py), taken while the state's released is true.
KEEP_RUN = """
local c = 'bpe:c:' .. ARGV[1]
if redis.call('EXISTS', c) == 0 then return false end
if redis.call('HGET', c .. ':state', 'released') ~= 'true' then return {'closed', ''} end
local runs, by, student, sid = c .. ':runs', c .. ':runsby', ARGV[2], ARGV[3]
local owner = redis.call('HGET', by, sid)
if owner and owner ~= student then return {'taken', ''} end
local was, tag = redis.call('HGET', runs, student), nil
if was then
  tag = string.match(was, '^(%S+) ')
  redis.call('HDEL', by, string.sub(was, #tag + 2))
else
  if redis.call('HLEN', runs) >= tonumber(ARGV[4]) then
    -- full: the run of a student who holds no seat any more makes room
    local room = false
    for _, who in ipairs(redis.call('HKEYS', runs)) do
      if redis.call('HEXISTS', c .. ':seats', who) == 0 then
        redis.call('HDEL', by, string.match(redis.call('HGET', runs, who), ' (.*)$'))
        redis.call('HDEL', runs, who)
        room = true
        break
      end
    end
    if not room then return {'full', ''} end
  end
  tag = 'S' .. redis.call('HINCRBY', c, 'runs_n', 1)
end
redis.call('HSET', runs, student, tag .. ' ' .. sid)
redis.call('HSET', by, sid, student)
local ttl = redis.call('PTTL', c)
redis.call('PEXPIRE', runs, ttl)
redis.call('PEXPIRE', by, ttl)
return {'ok', tag}
"""

# DROP_RUN: ARGV code, student, session id -> 1 if that run was forgotten, else 0
DROP_RUN = """
local c = 'bpe:c:' .. ARGV[1]
local held = redis.call('HGET', c .. ':runs', ARGV[2])
if not held or string.match(held, ' (.*)$') ~= ARGV[3] then return 0 end
redis.call('HDEL', c .. ':runs', ARGV[2])
redis.call('HDEL', c .. ':runsby', ARGV[3])
return 1
"""


class RedisRuns(Runs):
    """Runs for RedisRegistry (its `_scripts`, `_run` and `_call`)."""

    async def keep_run(self, code: str, student: str, session_id: str) -> tuple[str, str]:
        got = await self._runs("KEEP_RUN", [code, student, session_id, self.max_size])
        if not got:
            raise ClassNotFound(code)
        return got[0].decode(), got[1].decode()

    async def runs(self, code: str) -> dict[str, tuple[str, str]]:
        held = await self._call("hgetall", f"bpe:c:{code}:runs")
        runs = {who.decode(): tuple(run.decode().split(" ", 1)) for who, run in held.items()}
        return dict(sorted(runs.items(), key=lambda run: tag_number(run[1][0])))

    async def drop_run(self, code: str, student: str, session_id: str) -> None:
        await self._runs("DROP_RUN", [code, student, session_id])

    async def _runs(self, name: str, args: list):
        if name not in self._scripts:
            self._scripts[name] = self.redis.register_script(globals()[name])
        return await self._run(name, args)
