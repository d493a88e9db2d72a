"""`ask`: a text-to-SQL assistant over a live SQLite database, on top of the engine.

    loop.py    the execution-guided loop: schema prompt -> generate -> extract -> validate ->
               run read-only -> repair with SQLite's error / vote over samples
    model.py   the loop's generator over a model + adapter (engine.evaluate.load_for_eval)
    render.py  results as text: the table, the attempts (ask.py's output)
    app.py     the web page (Gradio, optional: pip install -e ".[app]")

`python ask.py CONFIG --db FILE [--adapter DIR] "question"` is the command line; `--serve` the page.
"""
