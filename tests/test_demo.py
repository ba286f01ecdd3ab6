"""The demo, ``python -m skdeep``."""

import re

import pytest

from skdeep.__main__ import main


def test_demo_shows_epochs_compares_and_saves_the_figure(tmp_path, capsys):
    pytest.importorskip("matplotlib")
    figure = tmp_path / "curves.png"
    main(["--figure", str(figure)])
    out = capsys.readouterr().out
    row = r"^Iteration (\d+), loss = [\d.]+ +\| valid loss .*\| lr "
    epochs = re.findall(row, out, re.M)
    assert epochs[:3] == ["1", "2", "3"] and len(epochs) > 20
    rows = re.findall(
        r"^(skdeep|sklearn) MLPClassifier +(0\.\d+) .*s +(\d+)$", out, re.M
    )
    assert [r[0] for r in rows] == ["skdeep", "sklearn"]
    assert int(rows[0][2]) == len(epochs)  # one row per epoch of skdeep's fit
    assert all(float(r[1]) > 0.9 for r in rows)
    assert f"Training curves saved to {figure}" in out
    assert figure.stat().st_size > 10_000
