"""Ships the top-level glossaries/ inside the package as ``pipeline/glossaries``.

Everything else is in pyproject.toml; this file exists only because a package
directory mapped from outside ``pipeline/`` cannot be combined with package
discovery there.
"""

from setuptools import find_namespace_packages, setup

setup(
    # Namespace packages: several of pipeline's folders have no __init__.py.
    packages=[*find_namespace_packages(include=["pipeline", "pipeline.*"], exclude=["*.__pycache__"]), "pipeline.glossaries"],
    package_dir={"pipeline.glossaries": "glossaries"},
)
