"""Decoding and validating user inputs: images, audio and text.

Every check raises ``InputError`` with a sentence a student can act on.
Types are decided from the bytes, never from the file name.
"""
from media.errors import InputError
from media.limits import LIMITS

__all__ = ["InputError", "LIMITS"]
