"""The offline demo (configs/tiny.toml): a synthetic text-to-SQL task (synthetic.py, over the two
sqlite databases of databases.py), a random tiny base model with a tokenizer trained on it
(tiny.py), and the step that builds a run's missing inputs before training or evaluating
(prepare.py)."""
