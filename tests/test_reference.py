from pathlib import Path

from ictco2_xl.cli import main
from ictco2_xl.core.models import MODELS
from ictco2_xl.core.reference import models_markdown

ROOT = Path(__file__).resolve().parents[1]


def test_committed_model_reference_is_current():
    committed = (ROOT / "templates" / "MODELS.md").read_text(encoding="utf-8")
    assert committed == models_markdown(), "run: ictco2-xl models --markdown --out templates/MODELS.md"


def test_reference_shows_every_model_equation_and_input():
    text = models_markdown()
    for m in MODELS.values():
        assert f"`{m.id}`" in text
        for s in m.steps:
            assert f"{s.name} = " in text or s.name.ljust(1) in text
        for i in m.inputs:
            assert f"`{i.name}`" in text


def test_cli_models_lists_every_function(capsys):
    assert main(["models"]) == 0
    out = capsys.readouterr().out
    for m in MODELS.values():
        assert m.function in out


def test_cli_run_and_errors(capsys):
    assert main(["run", "LOGISTICS_POTENTIAL", "target_year=2020", "empty_rate_cut=0.3"]) == 0
    assert "reduction_t" in capsys.readouterr().out
    assert main(["run", "fleet_management", "empty_rate_drop=2"]) == 2
    assert "empty_rate_drop must be between 0 and 1, got 2" in capsys.readouterr().err
    assert main(["run", "nope"]) == 2
    assert "unknown model" in capsys.readouterr().err


def test_cli_evaluate_csv(tmp_path, capsys):
    src = tmp_path / "s.csv"
    src.write_text("scenario,target_year,empty_rate_cut\nlow,2010,0.1\nhigh,2030,\n", encoding="utf-8")
    out = tmp_path / "out.csv"
    assert main(["evaluate", str(src), "--model", "LOGISTICS_POTENTIAL", "--out", str(out)]) == 0
    text = out.read_text(encoding="utf-8-sig")   # written with a byte-order mark, for Excel
    assert text.splitlines()[0].startswith("row,scenario,model,factor_set,status,message,")
    assert main(["evaluate", str(src), "--model", "LOGISTICS_POTENTIAL", "--out", str(out)]) == 2
    assert "exists; pass --overwrite" in capsys.readouterr().err
    assert main(["evaluate", str(src), "--model", "LOGISTICS_POTENTIAL", "--out", str(out), "--overwrite"]) == 0


def test_reference_shows_every_uncertainty_range_with_its_reason():
    text = models_markdown()
    for m in MODELS.values():
        for i in m.inputs:
            if i.uncertainty is not None:
                row = f"| `{i.name}` | {i.uncertainty.describe()} | {i.uncertainty.reason.replace('|', chr(92) + '|')} |"
                assert row in text, (m.id, i.name)
