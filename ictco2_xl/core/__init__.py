"""The pure core: model definitions, factor sets, evaluation, reconciliation. No Excel, no files
(other than the bundled factor tables), so it runs anywhere numpy and pandas do, Pyodide included."""
from .definitions import (Bounds, DataSeries, Derived, Distribution, Input, Model, Step, WorksheetFunction,
                          YearSeries)
from .errors import DefinitionError, FactorSetError, ICTCO2Error, InputError
from .evaluation import Result, evaluate_frame, run
from .expr import Expression
from .factors import Factor, FactorSet, get_factor_set, load_factor_set
from .models import MODELS, get_model

__all__ = ["Bounds", "DataSeries", "Derived", "Distribution", "Input", "Model", "Step", "WorksheetFunction",
           "YearSeries",
           "DefinitionError", "FactorSetError", "ICTCO2Error", "InputError", "Result", "evaluate_frame", "run",
           "Expression", "Factor", "FactorSet", "get_factor_set", "load_factor_set", "MODELS", "get_model"]
