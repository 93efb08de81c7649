"""Use cases, one transaction each. The web layer and the CLI call only this package."""
