# The project's one version number. CMake reads it (project(VERSION)), so do pyproject.toml,
# `liveactor --version`, `liveactor-monitor --version` and its About box: change it here only.
__version__ = "0.1.0"
