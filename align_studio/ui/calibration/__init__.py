"""The Calibration tab: agreement among people and with the judge, the label-next queue
judged by keyboard, and criteria refinement (issue 18). Installed from
:mod:`align_studio.ui.shell.features`; the statistics are :mod:`align_studio.grading.calibration`.
"""
