#!/usr/bin/env python3
"""Checks the desk page in a real headless browser (Debian's chromium, driven through chromedriver by Selenium).

Usage: desk-browser-check.py URL SCENARIO SCREENSHOT.png INPUT [NAME]

Opens the page, types INPUT into the focused element and presses Enter, as a keyboard-wedge scanner does, waits for
the verdict and checks what the officer sees, then saves a screenshot. SCENARIO is one of:
  accept    the verdict is CHẤP NHẬN, the portrait is shown (decoded by the browser), the fields name NAME; then the
            phone typed is checked as typed, and the saved level-1 payload is shown
  mismatch  the verdict is TỪ CHỐI, and chip against QR shows both values of the full name, marked as different
  expired   the verdict is TỪ CHỐI, and the card's validity says it expired (HẾT HẠN)
Exits 0 when every check holds; else 1 with the first failure on stderr.
"""
import os
import sys

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait


def fail(message):
    sys.exit(f"desk-browser-check: {message}")


def main():
    url, scenario, screenshot, text = sys.argv[1:5]
    name = sys.argv[5] if len(sys.argv) > 5 else None
    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                 "--window-size=1280,2200", "--lang=vi", "--no-first-run", "--disable-extensions",
                 "--disable-background-networking", "--disable-sync", "--disable-component-update"):
        options.add_argument(flag)
    # No Selenium Manager: the driver is Debian's, nothing is downloaded.
    driver = webdriver.Chrome(service=Service(executable_path="/usr/bin/chromedriver"), options=options)
    try:
        wait = WebDriverWait(driver, 60)
        driver.get(url)
        wait.until(lambda d: d.execute_script("return document.activeElement && document.activeElement.id") == "secret")
        # The scanner types into whatever has the focus, then Enter.
        driver.switch_to.active_element.send_keys(text + Keys.ENTER)
        wait.until(lambda d: d.find_element(By.ID, "verdict").get_attribute("data-verdict"))
        verdict = driver.find_element(By.ID, "verdict").get_attribute("data-verdict")
        word = driver.find_element(By.ID, "verdict-word").text
        fields = driver.find_element(By.ID, "fields").text
        if scenario == "accept":
            if verdict != "accept" or "CHẤP NHẬN" not in word:
                fail(f"verdict {verdict!r} {word!r}, not CHẤP NHẬN")
            wait.until(lambda d: d.execute_script(
                "const i = document.getElementById('portrait'); return i.complete && i.naturalWidth > 0"))
            width = driver.execute_script("return document.getElementById('portrait').naturalWidth")
            if width < 100:
                fail(f"the portrait is {width} px wide")
            if name and name not in fields:
                fail(f"the fields do not show {name!r}: {fields[:200]!r}")
            if "Số định danh cá nhân" not in fields:
                fail("the fields are not labelled in Vietnamese")
            # The contact step: the phone field has the focus; the number is checked as it is typed.
            wait.until(lambda d: d.execute_script("return document.activeElement.id") == "phone")
            driver.switch_to.active_element.send_keys("0912 345 67")
            wait.until(lambda d: "bad" in d.find_element(By.ID, "phone-check").get_attribute("class"))
            driver.switch_to.active_element.send_keys("8")
            wait.until(lambda d: "ok" in d.find_element(By.ID, "phone-check").get_attribute("class"))
            if "+84912345678" not in driver.find_element(By.ID, "phone-check").text:
                fail("the checked phone is not shown in E.164")
            wait.until(lambda d: d.find_element(By.ID, "contact-submit").is_enabled())
            driver.find_element(By.ID, "contact-submit").click()
            wait.until(lambda d: d.find_element(By.ID, "level1").is_displayed())
            payload = driver.find_element(By.ID, "level1-json").text
            if '"cccd-level1/1"' not in payload or '"+84912345678"' not in payload or '"ready"' not in payload:
                fail(f"the level-1 payload shown is not the ready one: {payload[:200]!r}")
            if "level1.json" not in driver.find_element(By.ID, "level1-saved").text:
                fail("the page does not say where the payload was saved")
        elif scenario == "mismatch":
            if verdict != "reject" or "TỪ CHỐI" not in word:
                fail(f"verdict {verdict!r} {word!r}, not TỪ CHỐI")
            row = driver.find_element(By.CSS_SELECTOR, '#compare tr[data-field="fullName"]')
            if "different" not in row.get_attribute("class"):
                fail("the full name is not marked as different")
            cells = [c.text for c in row.find_elements(By.TAG_NAME, "td")]
            if len(cells) < 3 or cells[0] == cells[1] or not cells[0] or not cells[1]:
                fail(f"the row does not show both values: {cells}")
            reasons = driver.find_element(By.ID, "reasons").text
            if cells[0] not in reasons or cells[1] not in reasons:
                fail(f"the reason does not name both values: {reasons!r}")
        elif scenario == "expired":
            if verdict != "reject" or "TỪ CHỐI" not in word:
                fail(f"verdict {verdict!r} {word!r}, not TỪ CHỐI")
            validity = driver.find_element(By.ID, "validity")
            if validity.get_attribute("data-validity") != "expired" or "HẾT HẠN" not in validity.text:
                fail(f"the validity does not say expired: {validity.text!r}")
            if "Thẻ đã hết hạn" not in driver.find_element(By.ID, "reasons").text:
                fail("the reasons do not say the card has expired")
        else:
            fail(f"unknown scenario {scenario}")
        # The page loaded nothing from another origin and broke no CSP rule.
        logs = driver.get_log("browser") if hasattr(driver, "get_log") else []
        violations = [entry["message"] for entry in logs if "Content Security Policy" in entry.get("message", "")]
        if violations:
            fail(f"CSP violations: {violations[:2]}")
        foreign = driver.execute_script(
            "return performance.getEntriesByType('resource').map(e => e.name).filter(n => !n.startsWith(location.origin))")
        if foreign:
            fail(f"the page loaded from elsewhere: {foreign}")
        os.makedirs(os.path.dirname(screenshot), exist_ok=True)
        driver.save_screenshot(screenshot)
        print(f"{scenario}: {verdict} shown; screenshot {screenshot}")
    finally:
        driver.quit()


if __name__ == "__main__":
    main()
