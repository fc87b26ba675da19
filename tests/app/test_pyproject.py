"""ctest python_metadata: pyproject.toml describes the package CMake builds, with the one version.

usage: test_pyproject.py SOURCE_DIR CMAKE_PROJECT_VERSION
"""

import ast
import os
import sys
import tomllib

src, cmake_version = sys.argv[1], sys.argv[2]
with open(os.path.join(src, "pyproject.toml"), "rb") as f:
    meta = tomllib.load(f)

project = meta["project"]
assert project["name"] == "liveactor", project["name"]
assert project["dynamic"] == ["version"], project.get("dynamic")
attr = meta["tool"]["setuptools"]["dynamic"]["version"]["attr"]
module, _, name = attr.rpartition(".")
package_dir = meta["tool"]["setuptools"]["package-dir"][""]
path = os.path.join(src, package_dir, *module.split(".")) + ".py"
with open(path, encoding="utf-8") as f:
    tree = ast.parse(f.read())
values = [n.value.value for n in tree.body
          if isinstance(n, ast.Assign) and any(getattr(t, "id", None) == name for t in n.targets)]
assert values == [cmake_version], "%s in %s is %r, CMake has %s" % (name, path, values, cmake_version)

sys.path.insert(0, os.path.join(src, package_dir))
import liveactor  # noqa: E402

assert liveactor.__version__ == cmake_version, liveactor.__version__
assert os.path.exists(os.path.join(src, package_dir, "liveactor", "py.typed")), "py.typed is missing"
assert "py.typed" in meta["tool"]["setuptools"]["package-data"]["liveactor"]
print("pyproject.toml: liveactor", cmake_version)
