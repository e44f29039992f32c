"""PostLine's own tests use the same fixtures as plugin authors (app.testing.pytest_plugin,
loaded through its pytest11 entry point)."""
