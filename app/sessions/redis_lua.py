"""The Redis scripts of RedisStore: each runs whole, so no two processes interleave.

Keys, for a session id SID (PREFIX is "bpe:"):
    bpe:s:SID:config   the config that makes the session again (JSON); its data set, once
    bpe:s:SID:run      hash: v (version, bumped by every change), run (StoredRun JSON),
                       cgen (bumped when the config changes: a reset's seed, an edit of D)
    bpe:s:SID:history  list: the per-step losses, the newest last, at most HISTORY
and for the store as a whole (what MemoryStore keeps in its own dicts):
    bpe:lru            sorted set: session id -> when it was last used (ms)
    bpe:size           hash: session id -> its counted bytes
    bpe:owner          hash: session id -> the client that made it
    bpe:held:CLIENT    sorted set: that client's session ids -> last used (ms)
    bpe:holders        sorted set: client -> how many sessions it holds
    bpe:client-bytes   hash: client -> the bytes its sessions hold
    bpe:bytes          the bytes all sessions hold
    bpe:clock          the last last-used time given (two in one millisecond stay in order)
Every key of a session expires after SESSION_IDLE_SECONDS unused; the store's own keys
forget an expired session the next time a session is made (EXPIRE below).  LOAD and SAVE
also read the session's tag, the key TAG_PREFIX + SID that the store's followers keep
(RedisStore.tag_prefix): the store passes it on without knowing what it means.
"""

from __future__ import annotations

PREFIX = "bpe:"

# Shared by the scripts: forgetting a session, and everything a session's use refreshes.
_COMMON = """
local P = 'bpe:'
local function keys_of(sid)
  return P .. 's:' .. sid .. ':config', P .. 's:' .. sid .. ':run', P .. 's:' .. sid .. ':history'
end
local function drop(sid)
  local owner = redis.call('HGET', P .. 'owner', sid)
  local size = tonumber(redis.call('HGET', P .. 'size', sid) or '0')
  redis.call('ZREM', P .. 'lru', sid)
  redis.call('HDEL', P .. 'size', sid)
  redis.call('HDEL', P .. 'owner', sid)
  redis.call('DECRBY', P .. 'bytes', size)
  if owner then
    redis.call('ZREM', P .. 'held:' .. owner, sid)
    if tonumber(redis.call('ZINCRBY', P .. 'holders', -1, owner)) <= 0 then
      redis.call('ZREM', P .. 'holders', owner)
    end
    if redis.call('HINCRBY', P .. 'client-bytes', owner, -size) <= 0 then
      redis.call('HDEL', P .. 'client-bytes', owner)
    end
  end
  local c, r, h = keys_of(sid)
  return redis.call('DEL', c, r, h)
end
-- The last-used times order the sessions: two uses in one millisecond still get two times,
-- in the order they came (bpe:clock holds the last one given).
local function stamp(now)
  local last = tonumber(redis.call('GET', P .. 'clock') or '0')
  if now <= last then now = last + 0.01 end
  redis.call('SET', P .. 'clock', string.format('%.2f', now))
  return now
end
local function touch(sid, now, ttl)
  now = stamp(now)
  local c, r, h = keys_of(sid)
  redis.call('PEXPIRE', c, ttl)
  redis.call('PEXPIRE', r, ttl)
  redis.call('PEXPIRE', h, ttl)
  redis.call('ZADD', P .. 'lru', now, sid)
  local owner = redis.call('HGET', P .. 'owner', sid)
  if owner then redis.call('ZADD', P .. 'held:' .. owner, now, sid) end
end
-- Redis's own time (ms): the replies carry it, so that the store can set SAVE's deadline
-- on this clock (RedisLink.fence).
local function clock()
  local t = redis.call('TIME')
  return t[1] * 1000 + math.floor(t[2] / 1000)
end
local function push(h, from)
  for i = from, #ARGV, 1000 do
    redis.call('RPUSH', h, unpack(ARGV, i, math.min(i + 999, #ARGV)))
  end
end
"""

# ADD: ARGV sid, client, size, now, ttl, max_sessions, max_bytes, per_client, client_bytes,
# in_use, config, run, history_max, losses...  ->  "ok" | "full" | "large"
ADD = (
    _COMMON
    + """
local sid, client, size, now, ttl = ARGV[1], ARGV[2], tonumber(ARGV[3]), tonumber(ARGV[4]), tonumber(ARGV[5])
local max_sessions, max_bytes = tonumber(ARGV[6]), tonumber(ARGV[7])
local per_client, client_bytes, in_use = tonumber(ARGV[8]), tonumber(ARGV[9]), tonumber(ARGV[10])
if size > client_bytes then return 'large' end
-- EXPIRE: sessions unused for longer than the idle time are forgotten here too
for _, old in ipairs(redis.call('ZRANGEBYSCORE', P .. 'lru', '-inf', '(' .. (now - ttl))) do drop(old) end
local held = P .. 'held:' .. client
local function client_total() return tonumber(redis.call('HGET', P .. 'client-bytes', client) or '0') end
while redis.call('ZCARD', held) >= per_client or client_total() + size > client_bytes do
  local mine = redis.call('ZRANGE', held, 0, 0)[1]
  if not mine then break end
  drop(mine)
end
local function total() return tonumber(redis.call('GET', P .. 'bytes') or '0') end
while redis.call('ZCARD', P .. 'lru') >= max_sessions or total() + size > max_bytes do
  local oldest = redis.call('ZRANGE', P .. 'lru', 0, 0, 'WITHSCORES')
  if not oldest[1] then break end
  if now - tonumber(oldest[2]) < in_use then
    -- every session is in use: the address that holds the most gives up its least recently
    -- used one while it holds two more than the newcomer's (MemoryStore.keep's rule)
    local most = redis.call('ZREVRANGE', P .. 'holders', 0, 0, 'WITHSCORES')
    local mine = tonumber(redis.call('ZSCORE', P .. 'holders', client) or '0')
    if not most[1] or most[1] == client or tonumber(most[2]) < mine + 2 then return 'full' end
    drop(redis.call('ZRANGE', P .. 'held:' .. most[1], 0, 0)[1])
  else
    drop(oldest[1])
  end
end
local c, r, h = keys_of(sid)
redis.call('SET', c, ARGV[11], 'PX', ttl)
redis.call('HSET', r, 'v', 1, 'run', ARGV[12], 'cgen', 1)
redis.call('DEL', h)
push(h, 14)
redis.call('LTRIM', h, -tonumber(ARGV[13]), -1)
redis.call('HSET', P .. 'size', sid, size)
redis.call('HSET', P .. 'owner', sid, client)
redis.call('ZINCRBY', P .. 'holders', 1, client)
redis.call('INCRBY', P .. 'bytes', size)
redis.call('HINCRBY', P .. 'client-bytes', client, size)
touch(sid, now, ttl)
return 'ok'
"""
)

# LOAD: ARGV sid, now, ttl, the cgen the caller has (or 0), want history ("1"), the version
# the caller has (or ""), the tag prefix  ->  false (no such session) | {v, run (false when
# the caller's version is current), cgen, config (false when the caller's cgen is current),
# history or false, the session's tag (the value at tag prefix .. sid) or false, Redis's time}
_FIND = """
local sid = ARGV[1]
local c, r, h = keys_of(sid)
local got = redis.call('HMGET', r, 'v', 'run', 'cgen')
if not got[1] then return false end
"""
_READ = """
local run = got[2]
if got[1] == ARGV[6] then run = false end
local config = false
if got[3] ~= ARGV[4] then config = redis.call('GET', c) end
local history = false
if ARGV[5] == '1' then history = redis.call('LRANGE', h, 0, -1) end
return {got[1], run, got[3], config, history, redis.call('GET', ARGV[7] .. sid), clock()}
"""
LOAD = _COMMON + _FIND + "touch(sid, tonumber(ARGV[2]), tonumber(ARGV[3]))\n" + _READ

# PEEK: LOAD without the touch, for a Redis that refuses writes (full: maxmemory reached with
# noeviction), which runs a script declared to write nothing.  The session's keys expire as
# if it had not been used.
PEEK = "#!lua flags=no-writes\n" + _COMMON + _FIND + _READ

# SAVE: ARGV sid, now, ttl, the version the change started from, run, config ("" when
# unchanged), history_max, "1" when the losses replace the history (a fresh run), the tag
# prefix, the deadline on Redis's clock ("" for none), losses...
#   ->  {1, v, cgen, tag or false, time} (saved) | {0, v, run, cgen, tag or false, time}
#       (changed meanwhile: the run as it is now, to compute the change again from) | false (gone)
#       | {2, time} (past the deadline: the store has answered that nothing was changed, so
#       nothing is; a Redis that hung runs what it had been sent when it wakes up)
SAVE = (
    _COMMON
    + """
if ARGV[10] ~= '' and clock() > tonumber(ARGV[10]) then return {2, clock()} end
local sid = ARGV[1]
local c, r, h = keys_of(sid)
local v = redis.call('HGET', r, 'v')
if not v then return false end
local tag = redis.call('GET', ARGV[9] .. sid)
if v ~= ARGV[4] then
  local now = redis.call('HMGET', r, 'run', 'cgen')
  return {0, v, now[1], now[2], tag, clock()}
end
local cgen = tonumber(redis.call('HGET', r, 'cgen'))
if ARGV[6] ~= '' then
  cgen = cgen + 1
  redis.call('SET', c, ARGV[6])
end
redis.call('HSET', r, 'v', tonumber(v) + 1, 'run', ARGV[5], 'cgen', cgen)
if ARGV[8] == '1' then redis.call('DEL', h) end
if #ARGV >= 11 then
  push(h, 11)
  redis.call('LTRIM', h, -tonumber(ARGV[7]), -1)
end
touch(sid, tonumber(ARGV[2]), tonumber(ARGV[3]))
return {1, tostring(tonumber(v) + 1), tostring(cgen), tag, clock()}
"""
)

# DROP: ARGV sid  ->  the number of the session's keys deleted (0: there was none)
DROP = _COMMON + "return drop(ARGV[1])\n"
