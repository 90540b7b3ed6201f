"""ictco2_xl: the CO2-reduction models of the 2010 WWF / China Mobile low-carbon ICT report, as a
vectorised Python library (``ictco2_xl.core``) with Excel adapters around it.

>>> import ictco2_xl as ix
>>> round(ix.get_model("LOGISTICS_REDUCTION")())        # the report's Chongqing case, t CO2
101805
>>> ix.functions.logistics_potential(2030, 0.5) > 2e8    # =LOGISTICS_POTENTIAL(2030, 0.5)
True

Your own solutions: ``ix.load_model("my_solution.toml")`` (a TOML model file, or a folder of them); then
``ix.get_model("my_solution").run()`` like any of the report's models.
"""
__version__ = "0.1.0"

from .core import (MODELS, FactorSet, InputError, Model, ModelFileError, Result, all_models,  # noqa: E402
                   check_models, get_factor_set, get_model, load_factor_set, load_model, load_model_text, load_models)
from .core import functions  # noqa: E402
from .core.analysis import uncertainty  # noqa: E402

__all__ = ["MODELS", "FactorSet", "InputError", "Model", "ModelFileError", "Result", "all_models", "check_models",
           "get_factor_set", "get_model", "load_factor_set", "load_model", "load_model_text", "load_models", "functions",
           "uncertainty", "__version__"]
