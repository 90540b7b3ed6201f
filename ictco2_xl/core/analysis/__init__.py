"""Analyses built on the models, still pure numpy/pandas: ``reconciliation`` (every printed figure of the
report recomputed and classified), ``uncertainty`` (Latin-hypercube draws over the documented ranges),
``sensitivity`` (one-at-a-time swings), ``restatement`` (every report case under another factor set) and
``net`` (L.1480-style net effects per solution).

May import: the rest of ``ictco2_xl.core`` and each other; nothing outside the core.
"""
