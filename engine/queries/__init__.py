"""Read models: what a page family or a report shows, read in one read transaction, never written.
They return the plain result types of engine.results."""
