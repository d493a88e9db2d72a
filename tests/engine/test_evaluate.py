"""engine/evaluate.py without a model: where outputs go, answers -> predictions, and the errors a
user can act on before anything loads. The whole path (model -> SQL -> scores -> files) runs
through eval.py in tests/test_eval_cli.py."""

import pytest

from engine.config import DataConfig, ModelSection, RunConfig, TrainSection
from engine.eval_files import EvalError
from engine.evaluate import (check_adapter_dir, default_out_dir, evaluate_config, load_eval_set,
                             predictions_from_answers)


def test_out_dirs_name_the_base_and_the_tuned_model(tmp_path):
    cfg = RunConfig(train=TrainSection(run_dir=str(tmp_path / "run")))
    assert default_out_dir(cfg, None) == tmp_path / "run" / "eval-base"
    assert default_out_dir(cfg, tmp_path / "run" / "adapter") == tmp_path / "run" / "eval"


def test_answers_become_predictions_one_per_example():
    answers = [["```sql\nSELECT 1\n```"], ["no query in this answer"], ["SELECT 1;", "SELECT 2"]]
    assert predictions_from_answers(answers) == ["SELECT 1", None, ["SELECT 1", "SELECT 2"]]


def test_missing_inputs_are_named_before_any_model_loads(tmp_path):
    with pytest.raises(EvalError, match="no such directory"):
        check_adapter_dir(tmp_path / "no-adapter")
    with pytest.raises(EvalError, match="eval_path is empty"):
        load_eval_set(DataConfig(), tokenizer=None)
    with pytest.raises(EvalError, match="no such file"):
        load_eval_set(DataConfig(eval_path=str(tmp_path / "missing.json")), tokenizer=None)
    with pytest.raises(EvalError, match="eval_path is empty"):
        evaluate_config(RunConfig(model=ModelSection(source=str(tmp_path))))
    cfg = RunConfig(model=ModelSection(source=str(tmp_path)), data=DataConfig(eval_path=str(tmp_path / "dev.json")))
    with pytest.raises(EvalError, match="--adapter"):
        evaluate_config(cfg, adapter=tmp_path / "no-adapter")
