"""The xlwings "UDF Modules" value: ``ictco2_xl.udfs``. The functions live in :mod:`ictco2_xl.excel.udfs`;
this module re-exports them so the setting, ``main.py`` of xlwings Lite and Server imports stay stable."""
from .excel.udfs import FUNCTIONS

globals().update(FUNCTIONS)
__all__ = list(FUNCTIONS)
