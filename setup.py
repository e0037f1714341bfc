"""Build configuration beyond pyproject.toml: the optional compiled kernel of ``beian.text``.

``beian.text._kernel`` folds batches of texts for the keyword detector in one pass per text and
sums the harm model's column (see ``src/beian/text/_kernel.c``). It is optional: without a C
compiler and the Python headers (Debian: ``build-essential python3-dev``) the build skips it and
beian uses the numpy code, which gives the same results.

The harm sums must round exactly as numpy does, so floating-point contraction (fused
multiply-add) is turned off for GCC and Clang (the C file also asks for it with a pragma).
"""

from setuptools import Extension, setup
from setuptools.command.build_ext import build_ext


class _BuildExt(build_ext):
    def build_extensions(self) -> None:
        if self.compiler.compiler_type != "msvc":
            for ext in self.extensions:
                ext.extra_compile_args = [*ext.extra_compile_args, "-ffp-contract=off"]
        super().build_extensions()


setup(
    cmdclass={"build_ext": _BuildExt},
    ext_modules=[
        Extension(
            "beian.text._kernel",
            sources=["src/beian/text/_kernel.c"],
            optional=True,
        )
    ],
)
