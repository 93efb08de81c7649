"""The old import path of validating and deploying process bundles, kept only so that web/ (moving into
workspace packages at the same time, issue 12) needs no edit: engine.services.designer holds both
(deploy is the one entry point of every deploy). Delete this module once web/ imports from there.
"""

from engine.services.designer import deploy, validate

__all__ = ["deploy", "validate"]
