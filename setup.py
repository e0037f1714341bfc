"""Build configuration beyond pyproject.toml: the optional compiled kernel of ``beian.text``.

``beian.text._kernel`` folds batches of texts for the keyword detector in one pass per text (see
``src/beian/text/_kernel.c``). It is optional: without a C compiler and the Python headers
(Debian: ``build-essential python3-dev``) the build skips it and beian uses the numpy code, which
gives the same results.
"""

from setuptools import Extension, setup

setup(
    ext_modules=[
        Extension(
            "beian.text._kernel",
            sources=["src/beian/text/_kernel.c"],
            optional=True,
        )
    ]
)
