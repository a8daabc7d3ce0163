"""browser.py: latedoor-office in headless Chromium through selenium (Debian's chromium,
chromium-driver and python3-selenium): sign-in, search, an amend, a void and its un-void and a
new time, each confirmed on its form, the live late log receiving an arrival that `latedoor sync`
pushes while the page is open, a call logged on the calling list, the technician changing a
setting (refused, then confirmed and saved); screenshots at 1366x768 and
390x844 kept in OUT.

usage: /usr/bin/python3 browser.py BASE_URL OUT LATEDOOR KIOSK_CONFIG
Any failed check raises, and the script exits non-zero.
"""
import base64
import os
import subprocess
import sys
import tempfile

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.common.exceptions import StaleElementReferenceException, WebDriverException
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select, WebDriverWait

base, out, latedoor, kiosk = sys.argv[1:5]
school = base + "/s/hollybrook/"
os.makedirs(out, exist_ok=True)


def check(cond, what):
    if not cond:
        raise AssertionError(what)


def shot(driver, name, width, height):
    driver.set_window_size(width, height)
    path = os.path.join(out, "%s-%dx%d.png" % (name, width, height))
    check(driver.save_screenshot(path), "screenshot " + path)
    # at phone width nothing may be wider than the screen but the tables that scroll
    wide = driver.execute_script(
        "return document.documentElement.scrollWidth > window.innerWidth + 1")
    if width < 500 and wide:
        print("note: %s scrolls sideways at %d px" % (name, width))


def page_left(old):
    """Waits until the page whose html element is old has gone."""
    def gone(_):
        # Chromium may answer for the old page's node, mid-navigation, "does not belong to the
        # document" rather than "stale": both say the old page has gone
        try:
            old.is_enabled()
            return False
        except StaleElementReferenceException:
            return True
        except WebDriverException as e:
            if "does not belong to the document" in str(e):
                return True
            raise

    WebDriverWait(old.parent, 10).until(gone)


def follow(driver, element):
    """Clicks element and waits for the next page: a check never reads the page before it."""
    old = driver.find_element(By.TAG_NAME, "html")
    element.click()
    page_left(old)


def rows(driver):
    return driver.find_elements(By.CSS_SELECTOR, "#log tbody tr[data-seq]")


profile = tempfile.mkdtemp(prefix="ld-office-chrome-")
opts = webdriver.ChromeOptions()
opts.binary_location = "/usr/bin/chromium"
for a in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
          "--disable-component-update", "--disable-sync", "--no-first-run",
          "--disable-dev-shm-usage", "--user-data-dir=" + profile):
    opts.add_argument(a)
driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=opts)
wait = WebDriverWait(driver, 10)
try:
    driver.set_window_size(1366, 768)
    # sign-in: any page leads there first
    driver.get(school + "today")
    check(driver.current_url.endswith("/login"), "no sign-in page: " + driver.current_url)
    shot(driver, "sign-in", 1366, 768)
    shot(driver, "sign-in", 390, 844)
    driver.set_window_size(1366, 768)
    driver.find_element(By.ID, "user").send_keys("a.office")
    driver.find_element(By.ID, "password").send_keys("wrong-password")
    follow(driver, driver.find_element(By.ID, "sign-in"))
    said = driver.find_element(By.ID, "login-error").text
    check("do not match" in said, "a wrong password: " + said)
    driver.find_element(By.ID, "user").send_keys("a.office")
    driver.find_element(By.ID, "password").send_keys("office-pass-1234")
    follow(driver, driver.find_element(By.ID, "sign-in"))
    wait.until(lambda d: d.current_url.endswith("/today"))
    before = len(rows(driver))
    check(before > 0, "Today's log is empty")
    shot(driver, "today", 1366, 768)
    shot(driver, "today", 390, 844)
    driver.set_window_size(1366, 768)

    # search from the bar, then the pupil's page
    first = rows(driver)[0].find_elements(By.TAG_NAME, "td")[1].text
    box = driver.find_element(By.CSS_SELECTOR, "input[type=search]")
    box.send_keys(first)
    old = driver.find_element(By.TAG_NAME, "html")
    box.submit()
    page_left(old)
    wait.until(lambda d: "/search" in d.current_url)
    links = driver.find_elements(By.CSS_SELECTOR, "#results a")
    check(any(first in a.text for a in links), "search for %s did not find them" % first)
    follow(driver, links[0])
    wait.until(lambda d: "/pupils/" in d.current_url)
    check(driver.find_element(By.CSS_SELECTOR, "svg.herringbone"), "no herringbone")
    shot(driver, "pupil", 1366, 768)
    shot(driver, "pupil", 390, 844)
    driver.set_window_size(1366, 768)

    # an amend: the form, the confirmation naming pupil, date and time, then the log
    driver.get(school + "today")
    row = rows(driver)[0]
    seq = row.get_attribute("data-seq")
    who = row.find_elements(By.TAG_NAME, "td")[1].text
    follow(driver, row.find_element(By.CSS_SELECTOR, "a.correct"))
    Select(driver.find_element(By.ID, "reason")).select_by_visible_text("Dental appointment")
    follow(driver, driver.find_element(By.ID, "amend"))
    check(who in driver.find_element(By.ID, "who").text, "the confirmation does not name " + who)
    check("2026-11-20" in driver.find_element(By.ID, "when").text, "no date on the confirmation")
    check(driver.find_element(By.ID, "new-reason").text == "Dental appointment", "new reason")
    shot(driver, "confirm-amend", 390, 844)
    driver.set_window_size(1366, 768)
    follow(driver, driver.find_element(By.ID, "save"))
    wait.until(lambda d: "/today" in d.current_url)
    row = driver.find_element(By.CSS_SELECTOR, "#log tr[data-seq='%s']" % seq)
    check("Dental appointment" in row.text and "a.office" in row.text,
          "the amend is not on the log: " + row.text)

    # a void of another arrival, confirmed
    row = rows(driver)[1]
    seq2 = row.get_attribute("data-seq")
    follow(driver, row.find_element(By.CSS_SELECTOR, "a.correct"))
    driver.find_element(By.ID, "note").send_keys("tapped by a sibling")
    follow(driver, driver.find_element(By.ID, "void"))
    check("Void this arrival" in driver.page_source, "no void confirmation")
    follow(driver, driver.find_element(By.ID, "save"))
    wait.until(lambda d: "/today" in d.current_url)
    row = driver.find_element(By.CSS_SELECTOR, "#log tr[data-seq='%s']" % seq2)
    check(row.get_attribute("class") == "void", "the voided arrival is not struck through")

    # ... and its un-void: the same row's form, confirmed, and the arrival counts again
    follow(driver, row.find_element(By.CSS_SELECTOR, "a.correct"))
    driver.find_element(By.ID, "note").send_keys("it was her after all")
    follow(driver, driver.find_element(By.ID, "unvoid"))
    check("Un-void this arrival" in driver.page_source, "no un-void confirmation")
    check("2026-11-20" in driver.find_element(By.ID, "when").text, "no date on the un-void")
    shot(driver, "confirm-unvoid", 390, 844)
    driver.set_window_size(1366, 768)
    follow(driver, driver.find_element(By.ID, "save"))
    wait.until(lambda d: "/today" in d.current_url)
    row = driver.find_element(By.CSS_SELECTOR, "#log tr[data-seq='%s']" % seq2)
    check(row.get_attribute("class") != "void", "the un-voided arrival is still struck through")
    check("void undone by a.office" in row.text, "the un-void is not on the log: " + row.text)

    # a new time for the amended arrival: the confirmation names the old and new time
    row = driver.find_element(By.CSS_SELECTOR, "#log tr[data-seq='%s']" % seq)
    follow(driver, row.find_element(By.CSS_SELECTOR, "a.correct"))
    box = driver.find_element(By.ID, "time")
    driver.execute_script("arguments[0].value = '08:58'", box)  # a time input's keys vary
    follow(driver, driver.find_element(By.ID, "retime"))
    check(driver.find_element(By.ID, "new-time").text == "08:58", "the new time is not named")
    check("(was " in driver.page_source, "the old time is not named")
    follow(driver, driver.find_element(By.ID, "save"))
    wait.until(lambda d: "/today" in d.current_url)
    row = driver.find_element(By.CSS_SELECTOR, "#log tr[data-seq='%s']" % seq)
    check(row.text.startswith("08:58") and "time changed by a.office" in row.text,
          "the new time is not on the log: " + row.text)

    # the live log: a kiosk records an arrival and syncs while the page is open
    driver.get(school + "today")
    n = len(rows(driver))
    subprocess.run([latedoor, "tap", "--upn", "D873214725935", "--at", "2026-11-20T09:26",
                    "--config", kiosk], check=True, stdout=subprocess.DEVNULL)
    subprocess.run([latedoor, "sync", "--once", "--config", kiosk], check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    # the page asks every 2 s and the server the store every 1 s: it must be there within 5 s
    WebDriverWait(driver, 5, poll_frequency=0.2).until(lambda d: len(rows(d)) == n + 1)
    check(any("09:26" in r.text for r in rows(driver)), "the synced arrival is not on the log")

    # the calling list: a call logged is shown to the next person
    driver.get(school + "calls")
    shot(driver, "calls", 1366, 768)
    shot(driver, "calls", 390, 844)
    driver.set_window_size(1366, 768)
    first_row = driver.find_element(By.CSS_SELECTOR, "#call-log tbody tr[data-upn]")
    upn = first_row.get_attribute("data-upn")
    Select(first_row.find_element(By.NAME, "outcome")).select_by_value("message")
    first_row.find_element(By.NAME, "note").send_keys("left a voicemail")
    follow(driver, first_row.find_element(By.TAG_NAME, "button"))
    row = driver.find_element(By.CSS_SELECTOR, "#call-log tr[data-upn='%s']" % upn)
    check("Message left" in row.text and "a.office" in row.text and "voicemail" in row.text,
          "the call is not shown: " + row.text)
    # the pupil's page: the call, and every arrival with its corrections
    driver.get(school + "pupils/%s.html" % upn)
    said = driver.find_element(By.ID, "pupil-calls").text
    check("Message left" in said and "voicemail" in said, "the call is not on the pupil: " + said)
    driver.get(school + "today")
    amended = driver.find_element(By.CSS_SELECTOR, "#log tr[data-seq='%s'] a" % seq)
    follow(driver, amended)
    wait.until(lambda d: "/pupils/" in d.current_url)
    row = driver.find_element(By.CSS_SELECTOR, "#arrivals tr[data-seq='%s']" % seq)
    check("Dental appointment" in row.text, "the amend is not on the pupil's page: " + row.text)

    # a roster upload with one bad line: refused whole, naming the line; nothing stored
    bad = os.path.join(profile, "roster.csv")
    with open(bad, "w") as f:
        f.write("UPN,Legal Forename,Legal Surname,Year,Reg Group\n"
                "A123456789012,Ann,Smith,6,6\nnot-a-upn,Bo,Lee,6,6\n")
    follow(driver, driver.find_element(By.LINK_TEXT, "Uploads"))
    driver.find_element(By.ID, "file-roster").send_keys(bad)
    follow(driver, driver.find_element(By.ID, "preview-roster"))
    said = driver.find_element(By.CSS_SELECTOR, "p.err").text
    check("Nothing was stored" in said and "roster.csv:3" in said, "the bad roster: " + said)
    shot(driver, "upload-refused", 390, 844)
    driver.set_window_size(1366, 768)

    # letters: one family's letter printed to PDF is one A4 page; printing and sending are logged
    follow(driver, driver.find_element(By.LINK_TEXT, "Letters"))
    wait.until(lambda d: d.current_url.endswith("/letters"))
    first_row = driver.find_element(By.CSS_SELECTOR, "#letters tbody tr[data-upn]")
    upn = first_row.get_attribute("data-upn")
    href = first_row.find_element(By.CSS_SELECTOR, "a.print").get_attribute("href")
    driver.get(href)
    check(driver.find_elements(By.CSS_SELECTOR, "section.letter[data-upn='%s']" % upn),
          "no letter at " + href)
    pdf = driver.execute_cdp_cmd("Page.printToPDF", {"preferCSSPageSize": True,
                                                     "printBackground": False})
    path = os.path.join(out, "letter.pdf")
    with open(path, "wb") as f:
        f.write(base64.b64decode(pdf["data"]))
    info = subprocess.run(["pdfinfo", path], check=True, capture_output=True, text=True).stdout
    pages = [l.split()[-1] for l in info.splitlines() if l.startswith("Pages:")]
    size = [l for l in info.splitlines() if l.startswith("Page size:")]
    check(pages == ["1"], "the letter printed on %s pages" % pages)
    check(size and "(A4)" in size[0], "the letter is not A4: %s" % size)
    driver.get(school + "letters")
    row = driver.find_element(By.CSS_SELECTOR, "#letters tr[data-upn='%s']" % upn)
    follow(driver, row.find_element(By.TAG_NAME, "button"))
    row = driver.find_element(By.CSS_SELECTOR, "#letters tr[data-upn='%s']" % upn)
    check("printed by a.office" in row.text and "marked sent by a.office" in row.text,
          "the letter's log: " + row.text)
    shot(driver, "letters", 1366, 768)

    for page in ("action.html", "weekly.html", "summary", "devices", "settings"):
        driver.get(school + page)
        shot(driver, page.replace(".html", ""), 1366, 768)
        shot(driver, page.replace(".html", ""), 390, 844)
    check("Dental appointment" in driver.find_element(By.ID, "reasons").text,
          "the settings page lists no reasons")
    check(not driver.find_elements(By.ID, "rules-form"), "the office is offered the settings' form")

    # the technician changes one setting: checked, confirmed old -> new, saved
    driver.set_window_size(1366, 768)
    follow(driver, driver.find_element(By.CSS_SELECTOR, "form.who button"))
    driver.find_element(By.ID, "user").send_keys("tech")
    driver.find_element(By.ID, "password").send_keys("office-pass-1234")
    follow(driver, driver.find_element(By.ID, "sign-in"))
    driver.get(school + "settings")
    field = driver.find_element(By.ID, "sessions.am_register_closes")
    check(field.get_attribute("value") == "09:20", "the form's register close: " +
          field.get_attribute("value"))
    for width, height in ((1366, 768), (390, 844)):
        driver.set_window_size(width, height)
        driver.execute_script("document.getElementById('rules-form').scrollIntoView()")
        shot(driver, "settings-form", width, height)
    driver.set_window_size(1366, 768)
    field = driver.find_element(By.ID, "sessions.am_register_closes")
    field.clear()
    field.send_keys("08:30")
    follow(driver, driver.find_element(By.ID, "rules-check"))
    said = driver.find_element(By.ID, "settings-error").text
    check("sessions.am.register_closes" in said, "a register closing too early: " + said)
    field = driver.find_element(By.ID, "sessions.am_register_closes")
    field.clear()
    field.send_keys("09:15")
    follow(driver, driver.find_element(By.ID, "rules-check"))
    change = driver.find_element(By.CSS_SELECTOR, "#changes tbody tr").text
    check("sessions.am_register_closes" in change and "09:20" in change and "09:15" in change,
          "the confirmation: " + change)
    shot(driver, "settings-confirm", 1366, 768)
    shot(driver, "settings-confirm", 390, 844)
    driver.set_window_size(1366, 768)
    follow(driver, driver.find_element(By.ID, "save"))
    said = driver.find_element(By.ID, "settings-saved").text
    check("Saved" in said, "after the save: " + said)
    check(driver.find_element(By.ID, "sessions.am_register_closes").get_attribute("value") ==
          "09:15", "the saved register close is not shown")
    shot(driver, "settings-saved", 1366, 768)
    shot(driver, "settings-saved", 390, 844)
    print("browser: every check passed; screenshots in " + out)
finally:
    driver.quit()
