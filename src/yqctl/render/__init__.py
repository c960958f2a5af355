"""Rendering edge: Jinja templates → Markdown, HTML, Word (.docx) and PDF, plus charts.

Import from the submodules (``yqctl.render.templates``, ``.charts``, ``.pdf``, ``.output``); the
heavy libraries (weasyprint, docxtpl, matplotlib) load only when a document is actually rendered.
"""
