"""The Excel worksheet functions: ``worksheet`` builds one runtime-independent callable per model output
(Excel's argument and result rules, help texts, one-line errors), ``udfs`` decorates them for xlwings
(classic add-in, Lite, Server; re-exported as ``ictco2_xl.udfs``, the "UDF Modules" value), ``deploy``
writes the add-in settings and the xlwings Lite bundle.

May import: the core (and the package's ``__version__``); xlwings only in ``udfs``, and only if installed.
"""
