"""What can go wrong with a class, and the words a teacher or a student reads when it does."""

from __future__ import annotations


class ClassNotFound(KeyError):
    """No class with this code: it never existed, was ended, or expired."""

    MESSAGE = "no class with this code: it never existed, was ended, or expired"


class WrongKey(PermissionError):
    """A teacher's command with a key that is not the class's."""

    MESSAGE = "only the teacher who started this class may drive it: the teacher key is wrong"


class ClassLocked(PermissionError):
    """A student id the class does not know, joining while the teacher has locked it."""

    MESSAGE = "the teacher has closed this class to new students"


class DeviceRemoved(PermissionError):
    """A socket of an address the teacher dropped: it may not join the class again."""

    MESSAGE = "the teacher removed this device from the class"


class NotShownYet(PermissionError):
    """The values of the session on show asked for before its last step's updates are on show,
    or while a question is open."""

    MESSAGE = "not shown yet: the pictures wait for the step's updates to be shown and any question revealed"
