"""The report drafts (``docs/reports.md``): Qt-free, never imports ``sync`` or ``ui``.

* :mod:`reports.data` — :func:`~reports.data.gather` the merged, settled findings and the case
  package of one enterprise project (:class:`~reports.data.EnterpriseData`);
* :mod:`reports.content` — the three reports as a neutral :class:`~reports.doc.Doc`;
* :mod:`reports.doc` — :func:`~reports.doc.render_pdf` and :func:`~reports.doc.render_docx`;
* :mod:`reports.summary` — the batch summary workbook; :mod:`reports.archive` — 一企一档;
* :mod:`reports.plan` — the expert's inspection plan;
* :mod:`reports.generate` — writing the files of ``inspector-app report``;
  :mod:`reports.commands` — the sub-command.
"""
