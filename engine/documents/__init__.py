"""Official documents (docs/documents.md): region-editable HTML templates rendered to PDF.

A template is designer code like a BPMN script, so it runs in a sandbox of its own making
(``templates``): Jinja with autoescaping, no attribute access beyond the document context, no loops
it cannot bound, nothing fetched from outside (``pdf``). What a template may read is declared once
(``fields``); deploy refuses a template that reads anything else. This package knows no database and
no workflow engine: the records that issue documents (engine.records.documents) hand it the context.
"""
