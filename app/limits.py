"""Every limit of the app, one line each on what it protects.

Plain constants with no imports, so that every layer (the NumPy model included) can
read them.  Limits a deployment may change are settings (app/settings.py), whose
defaults are named here too.
"""

# ---------------------------------------------------------------- a network and its data
MAX_HIDDEN = 256  # hidden units: a diagram a page can draw, a step that stays microseconds
MAX_INPUTS = 1024  # n_s: room for one-hot features of long random walks, no more
MAX_OUTPUTS = 32  # n_y: outputs a page can draw and a loss that stays readable
MAX_ROWS = 2000  # samples in D and rows in one predict call: memory and time per call
MAX_UNIT_VALUES = 200_000  # rows x hidden units of x one predict call returns: pictures, not a dump
MAX_PREDICT_DIGITS = 6  # predict's `digits`: beyond six a value's shortest form is as long as the full one
MAX_VALUE = 1e6  # |value| of a data point, an input or a given weight: float64 stays far from overflow
MAX_ALPHA = 10.0  # step sizes: large enough to show divergence, not so large as to be noise
MAX_WEIGHTS = 100_000  # entries of A and B together: memory per session and time per step
MAX_SEED = 2**32 - 1  # seeds a share link can carry exactly
MAX_STATES = 1000  # states of TD mode's random walk: its true values stay one linear solve
MAX_TILINGS = 32  # control mode's tile coder: tilings over (p, v) ...
MAX_TILES = 64  # ... tiles across each range ...
MAX_IHT = 16_384  # ... and entries of its index hash table, each a row of B (three weights)
MAX_REPLAY = 16  # control mode: steps on stored transitions after each new one (each a whole step)
MAX_BUFFER = 10_000  # ... and transitions kept to draw them from (a document carries them all)
MAX_NAME = 40  # characters of a data set's name: names are short, and an answer echoes it

# ---------------------------------------------------------------- training
MAX_STEPS = 100_000  # steps asked for in one call
CALL_SECONDS = 0.5  # estimated work of one call (budget.py measures each kind of step): none runs long
LOOP_SECONDS = 0.003  # work estimated above this runs in a worker process, off the event loop
WORKER_CALLS = 2  # default: calls in worker processes at once; past that 429 (the loop keeps a core)
WORKER_WAITING = 3  # calls that may wait for a busy worker, per worker: past that 429 at once,
# so a queue holds few connections (and the session's lock, each) for long
WORKER_WAIT_SECONDS = 3.0  # a waiting call's longest wait, then 429: twice what the calls ahead take
HISTORY = 10_000  # per-step losses kept per session, and at most returned by one call
# The model's own bounds live beside the code they bound: WEIGHT_LIMIT (app/model/fastforward.py)
# and MAX_EPISODE (app/model/walk.py).
GRADCHECK_MAX_WEIGHTS = 5_000  # weights one finite-difference check visits, four passes each
MAX_STEP = 10**12  # the step count a document may carry: any run that could really happen

# ---------------------------------------------------------------- play mode
MAX_RATE = 60  # frames per second a page may ask for: what a display shows
MAX_STEPS_PER_FRAME = 1000  # steps in one frame, before the per-call work limit
PLAY_PER_SESSION = 4  # default: play streams on one session (settings.play_per_session)
PLAY_TOTAL = 200  # default: play streams in all, each a share of the one core (settings.play_total)
PLAY_MESSAGE_BYTES = 1024  # default: the largest settings message a page may send
PLAY_MESSAGES_PER_SECOND = 50.0  # default: settings messages a second, on average
PLAY_SHARE = 0.5  # default: estimated seconds of work a second one stream may ask for (rate x frame)
PLAY_TOTAL_LOAD = 1.0  # default: ... and all streams together: at most one core's worth of frames
PLAY_IDLE_SECONDS = 300.0  # default: a paused stream is closed after this long
PLAY_CLIENT_SHARE = 0.75  # default: the part of the play streams one client address may hold
WS_MAX_BYTES = 65_536  # the largest WebSocket message the transport takes at all

# ---------------------------------------------------------------- classes (classroom mode)
MAX_CLASS_SIZE = 500  # default: students following one class at once (a lecture hall), past that 1013
CLASS_IDLE_SECONDS = 4 * 3600.0  # default: a class unused this long (no step, no command) expires
CLASS_CURVE_POINTS = 2_000  # losses a student's snapshot carries: a late joiner sees the curve
CLASS_FOLLOW_BUFFER = 4  # broadcasts held for a student who reads slowly; past that they skip to the latest
CLASS_ANSWER_BYTES = 256  # the largest message a student may send (an answer is a few dozen bytes)
CLASS_ANSWERS_PER_SECOND = 5.0  # messages a student may send a second, on average (twice that at once)
CLASS_TEACHER_MESSAGES_PER_SECOND = 20.0  # ... and the teacher's socket: buttons, not a stream
CLASS_ROSTER_SECONDS = 0.25  # the teacher's roster is sent this often while the class has students
CLASS_HEARTBEAT_SECONDS = 5.0  # a connected student is counted again this often ...
CLASS_STUDENT_TTL_SECONDS = 15.0  # ... and one not counted for this long (its replica died) is gone
CLASS_HISTOGRAM_BINS = 10  # bars of the quiz histogram on the projector
CLASS_REPORT_QUESTIONS = 200  # revealed questions a class's report keeps, the latest; it outlives the class
CLASS_ADDRESS_GROUPS = 10  # address groups the teacher's roster names, most seats first; the rest: "others"
CLASS_BLOCKED_ADDRESSES = 100  # addresses a class keeps blocked after the teacher drops them; oldest go first
CLASS_RUNS_SECONDS = 0.25  # the teacher's list of the students' own runs is sent at most this often ...
CLASS_RUN_READ_SECONDS = 1.0  # ... each run's session read for it at most this often (500 runs: 500 reads/s)
CLASS_RUN_CURVE_POINTS = 24  # points of a run's sparkline in that list ...
CLASS_RUN_CURVE_STEPS = 480  # ... each the mean of a stretch of its last this many per-step losses

# ---------------------------------------------------------------- lessons (a teacher's prepared stops)
MAX_LESSON_STOPS = 60  # stops in one lesson: a lecture's worth, a document that stays small
MAX_NOTE = 280  # characters of a stop's note (and a lesson link's): a line or two above the page
MAX_LESSON_TITLE = 80  # characters of a lesson's or a stop's title: one line of a heading
MAX_LESSON_BYTES = 64 * 1024  # a lesson document sent to be checked (413 beyond): 60 stops fit many times

# ---------------------------------------------------------------- the server
MAX_SESSIONS = 500  # default: sessions kept in memory, least recently used dropped first
SESSION_IDLE_SECONDS = 3600.0  # default: a session unused this long expires
MAX_STORE_BYTES = 1 << 30  # default: bytes all sessions may hold together (each counted by its arrays)
CLIENT_SHARE = 0.8  # default: the part of the store (sessions and bytes) one client address may hold
SESSION_IN_USE_SECONDS = 300.0  # default: a session used this recently is not dropped for another client's
CREATE_BURST = 600  # default: sessions one address may create at once (a class of 300 behind one NAT, twice)
CREATE_PER_SECOND = 10.0  # default: and on average after that
CODE_MISSES_BURST = 20  # class codes that are no class's one address may ask for at once (typos)
CODE_MISSES_PER_SECOND = 0.5  # and on average after that: guessing one live class among ten takes months
MAX_BODY_BYTES = 2_000_000  # default: larger request bodies are refused (413) before they are read
MAX_IMPORT_BYTES = 64 * 2**20  # default: the same for an imported document, which carries a whole run:
# the largest session the limits allow (2000 rows of 1024 inputs, 100,000 weights with Adam) fits
MAX_HEADER_BYTES = 16_384  # default: a request's line and headers (else 431): no client grows a buffer
HEADER_TIMEOUT_SECONDS = 10.0  # default: a request's head arrives in this time or its socket is let go
MAX_HEADER_TIMEOUT_SECONDS = 30.0  # the longest HEADER_TIMEOUT_SECONDS a deployment may set
BODY_MIN_BYTES_PER_SECOND = 16_384  # a body under way must keep this pace, on average over each
# HEADER_TIMEOUT_SECONDS, or its request is answered 408: a stalled upload holds no buffer for long
BODY_BYTES_IN_FLIGHT = 256 * 2**20  # default: bytes of request bodies a process holds at once
# (received for requests not yet answered); past it a body is answered 503, so stalled uploads
# cannot take the server's memory
SOCKET_SEND_SECONDS = 10.0  # default: a WebSocket whose peer leaves what it was sent unread this long
# (its buffer past the high-water mark) is dropped: a page that stops reading holds no memory for long
SNAPSHOT_BYTES_IN_FLIGHT = 256 * 2**20  # default: bytes of class snapshots a process has written to
# students' sockets that they have not taken yet; a join past it waits its turn (up to
# SOCKET_SEND_SECONDS, then 1013): 300 pages that never read cannot hold a large session 300 times
REFUSED_LINGER_SECONDS = 2.0  # a socket answered 408 or 431 drops what comes this long, then closes:
# closed at once with bytes unread, it would send a reset that can destroy the answer unread
MAX_ERRORS_LISTED = 20  # errors one 422 lists: a body with a million bad cells gets a short answer

# ---------------------------------------------------------------- Redis (REDIS_URL)
REDIS_TIMEOUT_SECONDS = 0.5  # connecting to Redis, and each reply: a Redis that is away fails fast
STORE_REPLY_SECONDS = 2.0  # the session store's replies (a change of a large session is a large write)
STORE_TRIES = 6  # a change computed again this often when other processes changed its session first
STALE_WAIT_SECONDS = 0.002  # ... each time after a random wait of up to this: turns taken, not collided
CHANNEL_WAIT_SECONDS = 2.0  # a new subscription waits this long for Redis to confirm it, else fails
CHANNEL_HEARTBEAT_SECONDS = 1.0  # a quiet pub/sub connection pings Redis this often ...
CHANNEL_SILENCE_SECONDS = 3.0  # ... and one that hears nothing this long is dropped and made again
CHANNEL_RETRY_SECONDS = (0.1, 2.0)  # reconnecting pub/sub waits from the first, doubling to the second
