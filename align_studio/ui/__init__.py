"""Everything Qt: the main window, panels, Qt item models, the undo adapter, workers.

Only this package imports PySide6. Modules loaded at start-up import the domain and
storage layers lazily so that the first window paints fast.
"""
