"""``python -m ictco2_xl`` is the ``ictco2-xl`` command."""
import sys

from .cli import main

sys.exit(main())
