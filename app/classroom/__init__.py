"""Classes: a teacher's session that students follow on their own screens.

No HTTP here: the API's routes (app/api/routes/classes.py, class_sockets.py) call these.

    classroom   Classroom: start a class, run a command, a student's snapshot and answer,
                the roster; follows the session store and sends each change of a teaching
                session to its class
    commands    the teacher's commands, one table of small handlers, and what a late joiner sees
    messages    what students are sent, and a message's type
    quiz        a question: its target, true value, closeness, the histograms of its rounds
    mistakes    the likely mistakes of a question, worked out from its step's trace
    report      the teacher's roster of the open question, and the report of those revealed
    registry    ClassInfo and the registry of classes, in this process (MemoryRegistry)
    registry_redis  ... and in Redis (REDIS_URL), shared by every replica
    seats       a class's seats: one socket per student id, shared fairly between addresses
    door        who may come in: the roll a locked class lets in, the addresses dropped
    door_redis  ... in Redis
    door_commands  the teacher's lock, unlock, drop, unblock and the roster's seats by address
    runs        the students' own runs after a release: one per student under an anonymous tag
    runs_redis  ... in Redis
    run_commands  release, gather, spotlight, a student's `mine`, and the teacher's list of runs
    channel     live fan-out of a class: in this process, or over Redis pub/sub
    errors      ClassNotFound, WrongKey, ClassLocked, DeviceRemoved
    lessons/    a lesson document's strict check, the panels a lesson hides, the built-in lessons
"""

from .classroom import Classroom

__all__ = ["Classroom"]
