"""The README's screenshot of the ask page (docs/ask.png): the offline demo's fine-tuned tiny model
(`python train.py configs/tiny.toml` first) on its shop database, served and shot in headless Chromium.

    python docs/ask_png.py "Which products have category 'books'? Give their names." docs/ask.png 860
"""

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from selenium import webdriver  # noqa: E402
from selenium.webdriver.chrome.options import Options  # noqa: E402
from selenium.webdriver.chrome.service import Service  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402

from engine.ask.app import serve  # noqa: E402
from engine.ask.loop import Asker, AskSettings, open_database  # noqa: E402
from engine.ask.model import load_generator  # noqa: E402
from engine.config import load_config  # noqa: E402


def main(question: str, out: str, height: int = 860, port: int = 7871) -> None:
    cfg = load_config("configs/tiny.toml")
    generator, _ = load_generator(cfg, "runs/tiny/adapter")
    db = open_database("data/synthetic/database/shop/shop.sqlite", cfg.data, generator.tokenizer)
    opts = Options()
    opts.binary_location = "/usr/bin/chromium"
    for arg in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--hide-scrollbars"):
        opts.add_argument(arg)
    with Asker(generator, AskSettings.from_config(cfg)) as asker:
        asker.start()
        app = serve(asker, db, port=port, block=False, quiet=True)
        driver = webdriver.Chrome(options=opts, service=Service("/usr/bin/chromedriver"))
        try:
            driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                                   {"width": 1280, "height": height, "deviceScaleFactor": 1, "mobile": False})
            driver.get(f"http://127.0.0.1:{port}/")
            box = WebDriverWait(driver, 30).until(lambda d: d.find_element(By.CSS_SELECTOR, "#question textarea"))
            box.send_keys(question)
            driver.find_element(By.ID, "ask").click()
            WebDriverWait(driver, 60).until(lambda d: "attempt" in d.find_element(By.ID, "status").text)
            time.sleep(1)  # the table's last paint
            driver.save_screenshot(out)
            print(driver.find_element(By.ID, "status").text)
        finally:
            driver.quit()
            app.close()


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], *map(int, sys.argv[3:4]))
