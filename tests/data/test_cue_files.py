"""The shipped YAML data files read as the words they list (YAML 1.1 reads bare on/no/yes as booleans)."""

from importlib import resources

import pytest
import yaml

DATA = resources.files("dateline.data")
FILES = sorted(str(path.relative_to(DATA)) for path in DATA.rglob("*.yaml"))


def _booleans(value, path=()):
    if isinstance(value, bool):
        yield path
    elif isinstance(value, dict):
        for key, inner in value.items():
            if isinstance(key, bool):
                yield (*path, key)
            yield from _booleans(inner, (*path, key))
    elif isinstance(value, list):
        for i, inner in enumerate(value):
            yield from _booleans(inner, (*path, i))


@pytest.mark.parametrize("name", FILES)
def test_no_word_in_a_data_file_reads_as_a_boolean(name):
    data = yaml.safe_load(DATA.joinpath(name).read_text("utf-8"))
    assert list(_booleans(data)) == [], f"{name}: quote on/off/yes/no, YAML reads them as booleans"
