"""The pure core: model definitions (``definitions``, ``model``, ``expr``), the models themselves
(``models/``), factor sets (``factors``), vectorised evaluation (``evaluation``), the Python functions
(``functions``), the model reference (``reference``) and the analyses built on them (``analysis/``).

May import: numpy, pandas and the standard library only — no Excel, no files other than the bundled
factor tables and the factor or model files a user names — so it runs anywhere numpy and pandas do,
Pyodide (xlwings Lite) included. User models: ``modelfile`` (TOML files) and ``assessment`` (the ITU-T
L.1480 / WBCSD record every model carries)."""
from .definitions import Bounds, DataSeries, Derived, Distribution, Input, Step, YearSeries
from .errors import DefinitionError, FactorSetError, ICTCO2Error, InputError
from .evaluation import Result, evaluate_frame, run
from .expr import Expression
from .factors import Factor, FactorSet, get_factor_set, load_factor_set
from .model import Model, WorksheetFunction
from .modelfile import ModelFileError, check_models, load_model, load_model_text, load_models
from .models import MODELS, USER_MODELS, all_models, get_model

__all__ = ["Bounds", "DataSeries", "Derived", "Distribution", "Input", "Model", "Step", "WorksheetFunction",
           "YearSeries",
           "DefinitionError", "FactorSetError", "ICTCO2Error", "InputError", "Result", "evaluate_frame", "run",
           "Expression", "Factor", "FactorSet", "get_factor_set", "load_factor_set", "MODELS", "get_model",
           "USER_MODELS", "all_models", "ModelFileError", "check_models", "load_model", "load_model_text", "load_models"]
