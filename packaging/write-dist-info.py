"""Writes liveactor-VERSION.dist-info for the installed package from pyproject.toml, so that
importlib.metadata (and pip list) know the package and its entry points (a pytest11 plugin
declared in [project.entry-points.pytest11] is loaded by pytest) exactly as pyproject says.

usage: write-dist-info.py SOURCE_DIR OUT_DIR VERSION   (run by CMake at configure time)
"""

import os
import shutil
import sys
import tomllib

src, out, version = sys.argv[1:4]
with open(os.path.join(src, "pyproject.toml"), "rb") as f:
    project = tomllib.load(f)["project"]

name = project["name"]
info = os.path.join(out, "%s-%s.dist-info" % (name, version))
shutil.rmtree(out, ignore_errors=True)
os.makedirs(info)

lines = ["Metadata-Version: 2.1", "Name: " + name, "Version: " + version,
         "Summary: " + project["description"], "License: " + project["license"]["text"],
         "Requires-Python: " + project["requires-python"]]
lines += ["Classifier: " + c for c in project.get("classifiers", [])]
for extra, requirements in project.get("optional-dependencies", {}).items():
    lines.append("Provides-Extra: " + extra)
    lines += ["Requires-Dist: %s ; extra == \"%s\"" % (r, extra) for r in requirements]
with open(os.path.join(info, "METADATA"), "w", encoding="utf-8") as f:
    f.write("\n".join(lines) + "\n")

groups = project.get("entry-points", {})
if groups:
    with open(os.path.join(info, "entry_points.txt"), "w", encoding="utf-8") as f:
        for group, entries in groups.items():
            f.write("[%s]\n" % group)
            f.writelines("%s = %s\n" % item for item in entries.items())
            f.write("\n")
with open(os.path.join(info, "INSTALLER"), "w", encoding="utf-8") as f:
    f.write("dpkg\n")
