"""What can go wrong with a class, and the words a teacher or a student reads when it does."""

from __future__ import annotations


class ClassNotFound(KeyError):
    """No class with this code: it never existed, was ended, or expired."""

    MESSAGE = "no class with this code: it never existed, was ended, or expired"


class WrongKey(PermissionError):
    """A teacher's command with a key that is not the class's."""

    MESSAGE = "only the teacher who started this class may drive it: the teacher key is wrong"
