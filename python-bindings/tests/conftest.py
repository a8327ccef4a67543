import os
import subprocess

import pytest

BUILD = os.environ.get("SERENITY_BUILD", os.path.join(os.path.dirname(__file__), "..", "..", "build"))
SOURCE = os.path.join(os.path.dirname(__file__), "..", "..")


@pytest.fixture
def serenity_opt():
    """Runs build/bin/serenity-opt on a text, returning its stdout."""
    def run(text, *args):
        return subprocess.run([os.path.join(BUILD, "bin", "serenity-opt"), "-", *args],
                              input=text, check=True, stdout=subprocess.PIPE,
                              text=True).stdout
    return run


@pytest.fixture
def plugin_example():
    with open(os.path.join(SOURCE, "test", "Plugin", "plugin.mlir")) as f:
        return f.read()


def pytest_addoption(parser):
    parser.addoption("--full", action="store_true",
                     help="test_torchvision: every model at 224x224 (299x299), VGG-11 and AlexNet too")
