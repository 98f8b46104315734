"""``align_checks.py``: the app's own checks as one self-contained promptfoo assertion file.

promptfoo runs ``type: python`` assertions (``get_assert(output, context)``; the
assertion's ``config`` arrives as ``context["config"]``). For the checks promptfoo cannot
express exactly — refusal classes, regular expressions JavaScript cannot match the same
way, schemas its validator reads differently, broken checks — the export points such an
assertion at this file, with the check's data in ``config.check``.

The file is built from the very modules the app grades with (:mod:`refusal_rules`,
:mod:`refusal`, :mod:`check_logic`), their sources joined in order with the imports
between them removed, so it cannot drift from the app and needs no Align Studio installed:
the standard library only (``jsonschema`` for ``json-schema`` checks).
"""

from __future__ import annotations

import ast
import importlib
import inspect

from align_studio import __version__

#: The file name the exported assertions point to (next to promptfooconfig.yaml).
ASSERT_FILE = "align_checks.py"
#: The modules whose code the file carries, in dependency order.
MODULES = ("align_studio.grading.refusal_rules", "align_studio.grading.refusal",
           "align_studio.grading.check_logic")

_GLUE = '''

# ---- promptfoo's entry point -------------------------------------------------------------
class _ExportedCheck:
    """A check as the export wrote it into the assertion's ``config.check``."""

    def __init__(self, data):
        self.type = data.get("type")
        self.value = data.get("value")
        self.values = data.get("values")
        self.schema_ = data.get("schema")
        self.case_sensitive = bool(data.get("case_sensitive", False))
        self.negate = bool(data.get("negate", False))


def check_text(data, text):
    """``(passed, detail, broken)`` of one exported check on one answer."""
    return evaluate(_ExportedCheck(data), text)


def get_assert(output, context):
    """promptfoo's hook: grade ``output`` with the check in ``context["config"]["check"]``."""
    import json as _json

    data = ((context or {}).get("config") or {}).get("check")
    if not isinstance(data, dict):
        return {"pass": False, "score": 0.0,
                "reason": "align_checks.py: the assertion has no config.check"}
    if not isinstance(output, str):  # as promptfoo's own assertions see it
        output = _json.dumps(output, ensure_ascii=False, separators=(",", ":"))
    ok, detail, _broken = check_text(data, output)
    return {"pass": ok, "score": 1.0 if ok else 0.0, "reason": detail}
'''


def _strip_imports(source: str, name: str, known: set[str]) -> str:
    """The module's source without ``from __future__`` and its imports of the app."""
    tree = ast.parse(source)
    lines = source.splitlines(keepends=True)
    drop: set[int] = set()
    for node in tree.body:
        if isinstance(node, ast.ImportFrom) and node.module and (
                node.module == "__future__" or node.module.startswith("align_studio")):
            if node.module.startswith("align_studio") and node.module not in known:
                raise RuntimeError(f"{name} imports {node.module}, which {ASSERT_FILE} does "
                                   "not carry: add it to promptfoo_python.MODULES")
            drop.update(range(node.lineno - 1, (node.end_lineno or node.lineno)))
        elif isinstance(node, ast.Import) and any(a.name.startswith("align_studio")
                                                  for a in node.names):
            raise RuntimeError(f"{name}: 'import align_studio…' cannot be carried")
    return "".join(line for i, line in enumerate(lines) if i not in drop)


def assert_file_source() -> str:
    """The text of ``align_checks.py`` for a bundle."""
    parts = [f"# {ASSERT_FILE}: Align Studio {__version__}'s own checks, for promptfoo's "
             "python assertions.\n"
             "# Generated from align_studio/grading/{refusal_rules,refusal,check_logic}.py: "
             "do not edit;\n"
             "# export the bundle again instead. Needs Python 3.10+ (and jsonschema for "
             "json-schema checks).\n"
             "# No 'from __future__ import annotations': promptfoo loads this file without "
             "registering it\n# in sys.modules, where dataclasses would look string "
             "annotations up.\n"]
    known: set[str] = set()
    for name in MODULES:
        module = importlib.import_module(name)
        parts.append(f"\n# ---- from {name} " + "-" * max(0, 72 - len(name)) + "\n")
        parts.append(_strip_imports(inspect.getsource(module), name, known))
        known.add(name)
    parts.append(_GLUE)
    text = "".join(parts)
    compile(text, ASSERT_FILE, "exec", dont_inherit=True)  # fail the export, not the run
    return text
