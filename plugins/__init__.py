"""The business lines shipped with PostLine, each a plugin declared in setup.cfg exactly
like a third party's."""
