import sys

from tools import bootstrap


def test_the_venv_python_is_accepted_and_a_311_is_not():
    assert bootstrap.works_as_310(sys.executable)
    assert not bootstrap.works_as_310("/definitely/not/a/python")


def test_finds_a_python_310_on_this_machine():
    found = bootstrap.find_python310()
    assert found and bootstrap.works_as_310(found)


def test_without_any_310_it_stops_and_says_how_to_get_one(monkeypatch, tmp_path, capsys):
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.setenv("PYENV_ROOT", str(tmp_path))
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.delenv("PYTHON310", raising=False)
    assert bootstrap.main(["--venv", str(tmp_path / "venv")]) == 2
    assert "pyenv install 3.10" in capsys.readouterr().err
