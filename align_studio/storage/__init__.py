"""Storage: loss-free YAML spec files, atomic saves, the workspace, the run store."""

from align_studio.storage.errors import (
    NewerFormatError,
    SpecChangedOnDisk,
    SpecLoadError,
    SpecReadOnly,
)
from align_studio.storage.specfile import SpecFile
from align_studio.storage.workspace import SpecSummary, Workspace

__all__ = ["NewerFormatError", "SpecChangedOnDisk", "SpecFile", "SpecLoadError",
           "SpecReadOnly", "SpecSummary", "Workspace"]
