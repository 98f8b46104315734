"""Packaging glue that ``pyproject.toml`` cannot express: the top-level ``resources/`` folder
(icons, desktop entry, AppStream metainfo) and the example specs in ``specs/`` are installed
as the package data of ``align_studio.resources`` and ``align_studio.examples``."""

from setuptools import find_packages, setup

setup(
    packages=find_packages(include=["align_studio", "align_studio.*"])
    + ["align_studio.resources", "align_studio.examples"],
    package_dir={"align_studio.resources": "resources", "align_studio.examples": "specs"},
    package_data={
        "align_studio": ["py.typed"],
        "align_studio.resources": ["*.md", "icons/*.svg", "icons/hicolor/*/apps/*.png",
                                   "linux/*"],
        "align_studio.examples": ["*.yaml"],
    },
)
