"""Inspector (现场验收核查工具): the Qt-free core.

This package never imports PySide6, ``ui``, ``sync`` or ``reports`` except in the composition
root (:mod:`inspector_app.cli` and :mod:`inspector_app.__main__`); ``tests/unit/test_layers.py``
enforces that.
"""

__version__ = "0.1.0"
