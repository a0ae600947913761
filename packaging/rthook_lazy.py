"""PyInstaller runtime hook (build.spec puts it where PyInstaller's ``pyi_rth_multiprocessing``
and ``pyi_rth_pkgutil`` were, and leaves those two out): their patches, applied when the app
first imports ``multiprocessing`` or ``pkgutil`` instead of at every start.

PyInstaller's hooks import both modules before the app's first line (``multiprocessing`` with
``socket``, ``pickle``, ``runpy``…: ~40 ms of a frozen start that needs neither before its
window shows). Here an import finder placed first on ``sys.meta_path`` lets the usual finders
find the module, runs it, then applies the same patch as PyInstaller's hook
(``PyInstaller/hooks/rthooks/pyi_rth_multiprocessing.py`` and ``pyi_rth_pkgutil.py``, 6.x):

* ``multiprocessing``: ``process.ORIGINAL_DIR = None`` (a spawned child must not look for the
  main script) and ``freeze_support`` that runs a frozen spawn child (``--multiprocessing-fork``)
  and the resource tracker / fork server helpers (``-c "from multiprocessing…"``), then exits.
  The entry scripts import ``multiprocessing`` and call ``freeze_support()`` only when the process
  was started that way (``packaging/entry_gui.py``); any later ``import multiprocessing`` (a
  process pool) gets the patched module, on Linux, Windows and macOS alike.
* ``pkgutil``: ``pkgutil.iter_modules()`` lists the modules inside the PYZ archive.

Nothing here is specific to one platform.
"""

import sys


def _patch_multiprocessing(multiprocessing):  # PyInstaller's pyi_rth_multiprocessing, as is
    import multiprocessing.spawn
    from subprocess import _args_from_interpreter_flags

    multiprocessing.process.ORIGINAL_DIR = None

    def _divert_multiprocessing_helper():
        try:
            command_switch_idx = sys.argv.index("-c")
        except ValueError:
            return
        if set(sys.argv[1:command_switch_idx]) != set(_args_from_interpreter_flags()):
            return
        if len(sys.argv) <= command_switch_idx + 1:
            return
        command = sys.argv[command_switch_idx + 1]
        prefixes = (
            "from multiprocessing.resource_tracker import main",
            "from multiprocessing.forkserver import main",
            "import sys; from multiprocessing.forkserver import main",
        )
        if not command.startswith(prefixes):
            return
        exec(command)
        sys.exit()

    def _freeze_support():
        _divert_multiprocessing_helper()
        if multiprocessing.spawn.is_forking(sys.argv):
            kwds = {}
            for arg in sys.argv[2:]:
                name, value = arg.split("=")
                kwds[name] = None if value == "None" else int(value)
            multiprocessing.spawn.spawn_main(**kwds)
            sys.exit()

    multiprocessing.freeze_support = multiprocessing.spawn.freeze_support = _freeze_support


def _patch_pkgutil(pkgutil):  # PyInstaller's pyi_rth_pkgutil, as is
    import pyimod02_importers  # PyInstaller's bootstrap module

    def _iter_pyi_frozen_finder_modules(finder, prefix=""):
        pyz_toc_tree = pyimod02_importers.get_pyz_toc_tree()
        pkg_name_parts = finder._pyz_entry_prefix.split(".") if finder._pyz_entry_prefix else []
        tree_node = pyz_toc_tree
        for pkg_name_part in pkg_name_parts:
            tree_node = tree_node.get(pkg_name_part)
            if not isinstance(tree_node, dict):
                tree_node = {}
                break
        for entry_name, entry_data in tree_node.items():
            yield prefix + entry_name, isinstance(entry_data, dict)
        if finder.fallback_finder is not None:
            yield from pkgutil.iter_importer_modules(finder.fallback_finder, prefix)

    pkgutil.iter_importer_modules.register(
        pyimod02_importers.PyiFrozenFinder, _iter_pyi_frozen_finder_modules
    )


_PATCHES = {"multiprocessing": _patch_multiprocessing, "pkgutil": _patch_pkgutil}


class _PatchingLoader:
    """The module's own loader, then the patch (the module's ``__loader__`` is the real one)."""

    def __init__(self, loader, name):
        self.loader = loader
        self.name = name

    def create_module(self, spec):
        return self.loader.create_module(spec)

    def exec_module(self, module):
        try:
            self.loader.exec_module(module)
        finally:
            module.__loader__ = self.loader
            if getattr(module, "__spec__", None) is not None:
                module.__spec__.loader = self.loader
        patch = _PATCHES.pop(self.name, None)
        if not _PATCHES and _FINDER in sys.meta_path:
            sys.meta_path.remove(_FINDER)
        if patch is not None:
            patch(module)


class _LazyPatchFinder:
    def find_spec(self, name, path=None, target=None):
        if name not in _PATCHES:
            return None
        for finder in sys.meta_path:
            find = getattr(finder, "find_spec", None)
            if finder is self or find is None:
                continue
            spec = find(name, path, target)
            if spec is not None:
                if spec.loader is not None and hasattr(spec.loader, "exec_module"):
                    spec.loader = _PatchingLoader(spec.loader, name)
                return spec
        return None


_FINDER = _LazyPatchFinder()
for _name in list(_PATCHES):
    if _name in sys.modules:  # imported already (by an earlier hook): patch it now
        _PATCHES.pop(_name)(sys.modules[_name])
if _PATCHES:
    sys.meta_path.insert(0, _FINDER)
del _name
