"""Bundles libdip into the package: `pip install ./python` from a dip checkout finds a built
libdip (DIP_LIBRARY, the checkout's .build-install or .build release products, or pkg-config's
dip), or builds it with `swift build -c release --product dip`, and copies it in as
dip/libdip.so.0. The wheel is then specific to this platform."""
import os
import shutil
import subprocess

from setuptools import setup
from setuptools.command.build_py import build_py
from setuptools.dist import Distribution

HERE = os.path.dirname(os.path.abspath(__file__))
CHECKOUT = os.path.dirname(HERE)


def find_libdip():
    if os.environ.get("DIP_LIBRARY"):
        return os.environ["DIP_LIBRARY"]
    built = [os.path.join(CHECKOUT, b, "release", "libdip.so") for b in (".build-install", ".build")]
    built = [p for p in built if os.path.exists(p)]
    if built:   # the checkout's newest build
        return max(built, key=os.path.getmtime)
    try:
        libdir = subprocess.run(["pkg-config", "--variable=libdir", "dip"], capture_output=True,
                                text=True, check=True).stdout.strip()
        if os.path.exists(os.path.join(libdir, "libdip.so.0")):
            return os.path.join(libdir, "libdip.so.0")
    except (OSError, subprocess.CalledProcessError):
        pass
    if os.path.exists(os.path.join(CHECKOUT, "Package.swift")):
        subprocess.run(["swift", "build", "-c", "release", "--product", "dip"], cwd=CHECKOUT, check=True)
        return os.path.join(CHECKOUT, ".build", "release", "libdip.so")
    raise SystemExit("dip: no libdip found (set DIP_LIBRARY, install dip, or build from a dip checkout)")


class BuildWithLibdip(build_py):
    def run(self):
        super().run()
        target = os.path.join(self.build_lib, "dip", "libdip.so.0")
        shutil.copyfile(find_libdip(), target)


class PlatformDistribution(Distribution):
    def has_ext_modules(self):   # a native library inside: not a pure-Python wheel
        return True


setup(cmdclass={"build_py": BuildWithLibdip}, distclass=PlatformDistribution)
