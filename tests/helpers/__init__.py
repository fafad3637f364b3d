"""What the tests share and that is not a test: fake and hostile servers, simulator clients,
capture readers, the domain's event builders. One module per job, named ``<layer>_<what>``;
docs/testing.md lists them. Imported as ``from helpers.<module> import …`` (pyproject puts
``tests/`` on the path)."""
