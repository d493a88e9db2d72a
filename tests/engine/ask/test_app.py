"""The web page (engine/ask/app.py) in a real headless browser: Chromium from the distribution's
packages, driven by Selenium, against the page served on 127.0.0.1 with a stub generator on the
demo's shop database. A question gets its SQL (after a repair) and the right rows; an empty
question and a question no query answers show their error text, not a traceback; uploads are
refused. A screenshot is saved (its path is printed; $SQLORA_SCREENSHOT names another place).

Without Gradio or Selenium the file skips; without Chromium or chromedriver the browser tests do
(.ci/run installs them)."""

import os
import shutil
import socket
import sqlite3
import urllib.error
import urllib.request

import pytest

pytest.importorskip("gradio", reason="the web page needs Gradio: pip install -e '.[app]' (in .[dev])")
pytest.importorskip("selenium", reason="the browser test needs Selenium: pip install -e '.[dev]'")
CHROMIUM = next(filter(None, map(shutil.which, ("chromium", "chromium-browser", "google-chrome"))), None)
DRIVER = shutil.which("chromedriver")
NO_BROWSER = "no headless browser: apt-get install chromium chromium-driver (.ci/run does)"

from selenium import webdriver  # noqa: E402
from selenium.webdriver.chrome.options import Options  # noqa: E402
from selenium.webdriver.chrome.service import Service  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.common.keys import Keys  # noqa: E402
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402

from engine.ask.app import serve  # noqa: E402
from engine.ask.loop import Asker, AskSettings, open_database  # noqa: E402
from engine.demo.databases import database_rows, write_database  # noqa: E402

PARIS = "SELECT name, age FROM customers WHERE city = 'Paris' ORDER BY name"
BROKEN = "SELECT name, age FROM customer WHERE city = 'Paris' ORDER BY name"


def generator(conversations, *, num_samples, temperature, seed):
    """Paris questions: a wrong table name first, the fix once SQLite's error comes back; others: a bad column."""
    out = []
    for conv in conversations:
        question = conv[-1]["content"] if len(conv) <= 2 else conv[-3]["content"]
        repairing = len(conv) > 2
        sql = (PARIS if repairing else BROKEN) if "Paris" in question else "SELECT nme FROM customers"
        out.append([f"```sql\n{sql}\n```"] * num_samples)
    return out


@pytest.fixture(scope="module")
def page(tmp_path_factory):
    db = tmp_path_factory.mktemp("app") / "shop.sqlite"
    write_database(db, "shop", database_rows(0)["shop"])
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with Asker(generator, AskSettings(max_repairs=1)) as asker:
        asker.start()
        app = serve(asker, open_database(db), port=port, block=False, quiet=True)
        try:
            yield f"http://127.0.0.1:{port}/", db, app
        finally:
            app.close()


@pytest.fixture(scope="module")
def browser():
    if CHROMIUM is None or DRIVER is None:
        pytest.skip(NO_BROWSER)
    opts = Options()
    opts.binary_location = CHROMIUM
    for arg in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1400,1000"):
        opts.add_argument(arg)
    driver = webdriver.Chrome(options=opts, service=Service(DRIVER))
    try:
        yield driver
    finally:
        driver.quit()


def text_of(driver, elem_id):
    return driver.find_element(By.ID, elem_id).text


def ask(driver, question, until):
    box = WebDriverWait(driver, 30).until(lambda d: d.find_element(By.CSS_SELECTOR, "#question textarea"))
    box.clear()
    box.send_keys(question)
    driver.find_element(By.ID, "ask").click()
    WebDriverWait(driver, 30).until(lambda d: until in text_of(d, "status"))


def test_a_question_gets_its_sql_and_rows(page, browser, tmp_path):
    url, db, app = page
    assert app.server_name == "127.0.0.1"
    browser.get(url)
    ask(browser, "Which customers live in Paris, and how old are they?", until="rows")
    expected = sqlite3.connect(db).execute(PARIS).fetchall()
    assert expected
    assert PARIS in text_of(browser, "sql")
    table = text_of(browser, "rows")
    for name, age in expected:
        assert name in table and str(age) in table
    assert f"{len(expected)} rows" in text_of(browser, "status") and "1 repair" in text_of(browser, "status")
    attempts = text_of(browser, "attempts")
    assert "no such table: customer" in attempts and BROKEN in attempts
    assert "CREATE TABLE customers" in text_of(browser, "schema")
    shot = os.environ.get("SQLORA_SCREENSHOT") or str(tmp_path / "ask.png")
    assert browser.save_screenshot(shot)
    print(f"screenshot: {shot}")


def test_errors_show_their_text_not_a_traceback(page, browser):
    url, _, _ = page
    browser.get(url)
    ask(browser, " ", until="Error")
    assert "type a question about the database" in text_of(browser, "status")
    ask(browser, "What is the meaning of life?", until="No query ran")
    status = text_of(browser, "status")
    assert "after 2 attempts" in status and "no such column: nme" in status
    assert "SELECT nme FROM customers" in text_of(browser, "sql")
    assert "Traceback" not in browser.find_element(By.TAG_NAME, "body").text


def test_uploads_are_refused(page):
    url, _, _ = page
    body = (b"--x\r\nContent-Disposition: form-data; name=\"files\"; filename=\"a.sqlite\"\r\n"
            b"Content-Type: application/octet-stream\r\n\r\nSQLite format 3\x00\r\n--x--\r\n")
    req = urllib.request.Request(url + "gradio_api/upload", data=body, method="POST",
                                 headers={"Content-Type": "multipart/form-data; boundary=x"})
    with pytest.raises(urllib.error.HTTPError) as e:
        urllib.request.urlopen(req, timeout=10)
    assert e.value.code in (400, 413)
