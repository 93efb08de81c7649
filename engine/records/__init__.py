"""What every change writes, whoever makes it: the workflow's state and its HumanTask rows, the case and
notice rows that mirror it, and the audit log with its keyed chain. Commands (engine.services) call it
inside their one transaction; the web layer and the CLI never do (an import-linter contract)."""
