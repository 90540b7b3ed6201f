"""Everything that writes .xlsx, one module per part: ``package`` (the zip and XML helpers every writer
shares), ``layout`` (where each model's cells go), ``templates`` (the calculation templates, openpyxl),
``filler`` (fills a template's precompiled XML for batch generation), ``stream`` (a streamed one-sheet
table, the batch summary), ``reports`` (restatement and net-report workbooks) and ``charts`` (tornado PNGs,
matplotlib).

May import: the core (and the package's ``__version__``); openpyxl and matplotlib inside this package only.
"""
