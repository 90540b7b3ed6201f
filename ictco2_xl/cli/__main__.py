"""``python -m ictco2_xl.cli`` is the ``ictco2-xl`` command."""
import sys

from . import main

sys.exit(main())
